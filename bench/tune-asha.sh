#!/usr/bin/env bash
# Benchmark: hyperparameter search with ASHA against a full grid, on the 1,000-image Fashion-MNIST task
# (conf/fashion-mnist-1k.conf: 100 training images per class, 1,200 validation images, the full 10,000
# test images; needs Debian's dataset-fashion-mnist). One run, on this machine, one after the other:
#   grid    every one of the 27 configurations of conf/tune/grid-space.conf, each trained 9 epochs
#   asha    the same 27 configurations in a seeded random order, ASHA (eta 3, rungs at 1, 3, 9 epochs)
#   random  random search without early termination at ASHA's budget (its epochs / 9 trials, 9 epochs each)
#   job     the shipped hand-made job itself (bin/sparktrain train --config conf/fashion-mnist-1k.conf)
# Each search trains two trials at a time on local[2], one per task slot. Prints, side by side, the epochs
# trained, the wall time, and the best trial's validation and test accuracy (the best chosen on the
# validation split; its test accuracy on the 10,000 test images). Targets: ASHA's best within 1 point of
# the grid's best test accuracy while training at most 1/3 of the grid's epochs; the best configuration
# found above the hand-made job's test accuracy. Writes the table into docs/BENCHMARKS.md.
#   bench/tune-asha.sh [--no-job] [--out DIR]
#     --no-job   skip the hand-made job's 300 epochs (about 45 minutes here)
#     --out DIR  keep the legs in DIR; a leg that finished there before (DIR/NAME.seconds) is not run again,
#                so a long benchmark that was stopped continues where it was
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_JOB=1
OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-job) RUN_JOB=0; shift ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]] || apt-get install -y dataset-fashion-mnist
[[ -f target/sparktrain.jar ]] || mvn -q -B -DskipTests package
[[ -n "$OUT" ]] || OUT="$(mktemp -d)"
mkdir -p "$OUT"
echo "legs in $OUT"
COMMON=(--config conf/fashion-mnist-1k.conf --space conf/tune/grid-space.conf --master "local[2]"
  --set spark.conf.spark.ui.enabled=false)
timed() {  # name, then the command; its wall seconds go to $OUT/name.seconds
  local name="$1"; shift
  if [[ -f "$OUT/$name.seconds" ]]; then
    echo "$name: done before, kept"
    return 0
  fi
  rm -rf "${OUT:?}/$name"
  local t0; t0=$(date +%s.%N)
  "$@" > "$OUT/$name.log" 2>&1 || { cat "$OUT/$name.log"; exit 1; }
  echo "$(date +%s.%N) - $t0" | bc > "$OUT/$name.seconds"
  grep -E "^best:|^tune: [0-9]+ trials|^test accuracy" "$OUT/$name.log" || true
}
timed asha bin/sparktrain tune "${COMMON[@]}" --output "$OUT/asha" --set tune.sampler=random --set tune.scheduler=asha
ASHA_EPOCHS=$(python3 -c "import json; print(json.load(open('$OUT/asha/search.json'))['epochsTrained'])")
RANDOM_TRIALS=$(( ASHA_EPOCHS / 9 ))
timed random bin/sparktrain tune "${COMMON[@]}" --output "$OUT/random" --set tune.sampler=random \
  --set tune.scheduler=none --trials "$RANDOM_TRIALS"
timed grid bin/sparktrain tune "${COMMON[@]}" --output "$OUT/grid" --set tune.sampler=grid --set tune.scheduler=none
if [[ $RUN_JOB == 1 ]]; then
  timed job bin/sparktrain train --config conf/fashion-mnist-1k.conf --output "$OUT/job" --master "local[2]" \
    --set spark.conf.spark.ui.enabled=false
fi
python3 - "$OUT" "$RUN_JOB" <<'PY'
import json, os, sys
out, run_job = sys.argv[1], sys.argv[2] == "1"
def secs(name):
    return float(open(f"{out}/{name}.seconds").read())
rows = {}
for name in ("grid", "asha", "random"):
    s = json.load(open(f"{out}/{name}/search.json"))
    b = s["best"]
    rows[name] = dict(trials=s["trials"], epochs=s["epochsTrained"], seconds=secs(name), val=b["validationAccuracy"],
                      test=b["testAccuracy"], values=", ".join(f"{k.split('.')[-1]} = {v}" for k, v in b["values"].items()),
                      best_epochs=b["epochs"])
labels = {"grid": "grid, no early termination", "asha": "ASHA (eta 3, rungs 1/3/9)",
          "random": "random, no early termination, ASHA's budget"}
grid = rows["grid"]
text = [f"{os.cpu_count()} cores, local[2], two trials at a time; test accuracy of each search's best trial (chosen on "
        "the 1,200 validation images) on the 10,000 test images.", "",
        "| search | trials | epochs trained | of the grid's | wall time | best: validation accuracy | best: test accuracy "
        "| vs grid | best configuration |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
for name in ("grid", "asha", "random"):
    r = rows[name]
    text.append(f"| {labels[name]} | {r['trials']} | {r['epochs']} | {r['epochs'] / grid['epochs']:.0%} | "
                f"{r['seconds'] / 60:.1f} min | {r['val']:.4f} | {r['test']:.4f} | {100 * (r['test'] - grid['test']):+.1f} "
                f"points | {r['values']} ({r['best_epochs']} epochs) |")
asha = rows["asha"]
ok1 = asha["test"] >= grid["test"] - 0.01
ok2 = asha["epochs"] <= grid["epochs"] / 3
text.append("")
text.append(f"Target (ASHA's best within 1 point of the grid's, at most 1/3 of its epochs): "
            f"{'met' if ok1 and ok2 else 'NOT met'} ({100 * (asha['test'] - grid['test']):+.1f} points, "
            f"{asha['epochs']} of {grid['epochs']} epochs).")
if run_job:
    s = json.load(open(f"{out}/job/summary.json"))
    job = s["test"]["accuracy"]
    best = max(rows.values(), key=lambda r: r["val"])
    text.append(f"The shipped hand-made `fashion-mnist-1k` job ({s['epochs']['completed']} epochs, "
                f"{secs('job') / 60:.1f} min): test accuracy {job:.4f}; the best configuration found: {best['test']:.4f} "
                f"({100 * (best['test'] - job):+.1f} points): {'met' if best['test'] > job else 'NOT met'}.")
text = "\n".join(text)
print(text)
sys.path.insert(0, "bench/lib")
from benchdoc import record
record("tune", text)
PY
