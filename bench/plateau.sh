#!/usr/bin/env bash
# Benchmark: plateaus and the stall policy, in one run.
#  1. The plateau demonstration (conf/diagnostics/plateau.conf: six tanh layers, a small uniform start,
#     plain SGD) with train.stall.action = none against the default boost, for the same 2 epochs.
#  2. Warm restarts (train.schedule.type = sgdr: cycles of 1 and 2 epochs, so the run ends annealed)
#     against the shipped schedules (none, step, cosine, onecycle) on the full Fashion-MNIST CNN
#     (conf/fashion-mnist.conf: 54,000 training and the 10,000 test images), the same epochs each.
# Prints both tables (test accuracy, final losses, what the stall policy did) and writes them into
# docs/BENCHMARKS.md. Needs Debian's dataset-fashion-mnist for part 2.
#   bench/plateau.sh [EPOCHS] [SCHEDULES]     defaults: 3, "none step cosine onecycle sgdr"
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS="${1:-3}"
SCHEDULES="${2:-none step cosine onecycle sgdr}"
OUT="${OUT:-$(mktemp -d)}"
[[ -f target/sparktrain.jar ]] || mvn -q -B -DskipTests package
ui=(--set spark.conf.spark.ui.enabled=false)
for action in none boost; do
  [[ -f "$OUT/plateau-$action/summary.json" ]] && continue
  rm -rf "$OUT/plateau-$action"
  bin/sparktrain train --config conf/diagnostics/plateau.conf --output "$OUT/plateau-$action" "${ui[@]}" \
    --set train.stall.action=$action | grep -E "^test|^stall|^guard" || true
done
for schedule in $SCHEDULES; do
  [[ -f "$OUT/cnn-$schedule/summary.json" ]] && continue
  rm -rf "$OUT/cnn-$schedule"
  bin/sparktrain train --config conf/fashion-mnist.conf --output "$OUT/cnn-$schedule" "${ui[@]}" \
    --set train.epochs="$EPOCHS" --set train.schedule.type=$schedule --set train.schedule.warmupEpochs=0.3 \
    --set train.schedule.restartEpochs=1 --set train.schedule.restartMultiplier=2 --set train.schedule.stepEpochs=1 | grep -E "^test|^stall|^guard" || true
done
python3 - "$OUT" "$EPOCHS" "$SCHEDULES" <<'PY'
import json, os, sys
out, epochs, schedules = sys.argv[1], sys.argv[2], sys.argv[3].split()

def run(name):
    s = json.load(open(f"{out}/{name}/summary.json"))
    lines = [json.loads(l) for l in open(f"{out}/{name}/metrics.jsonl")]
    return s, lines

rows = []
for action in ("none", "boost"):
    s, lines = run(f"plateau-{action}")
    events = s["health"]["stall"]["events"]
    what = "; ".join(f"{e['event']} (epoch {e['epoch']}, round {e['round']})" for e in events) or "-"
    kinds = ", ".join(d["kind"] for d in s["health"]["diagnoses"]) or "none"
    rows.append((action, s["test"]["accuracy"], s["epochs"]["finalTrainLoss"], s["epochs"]["finalValidationLoss"],
                 kinds, what))
base = rows[0]
text = [f"{os.cpu_count()} cores; `conf/diagnostics/plateau.conf` (1,000 test images), 2 epochs on `local[2]`.", "",
        "| train.stall.action | test accuracy | final train loss | final validation loss | diagnoses | stall policy |",
        "| --- | --- | --- | --- | --- | --- |"]
for action, acc, tl, vl, kinds, what in rows:
    text.append(f"| `{action}` | {acc:.4f} ({100 * (acc - base[1]):+.1f} points) | {tl:.4f} | {vl:.4f} | {kinds} | {what} |")
plateau = "\n".join(text)
print(plateau)

cnn = []
for schedule in schedules:
    s, lines = run(f"cnn-{schedule}")
    ep = [l for l in lines if l["type"] == "epoch"]
    stall = len(s["health"]["stall"]["events"])
    cnn.append((schedule, s["test"]["accuracy"], ep[-1]["trainLoss"], ep[-1]["validationLoss"],
                sum(e["seconds"] for e in ep), stall, ", ".join(d["kind"] for d in s["health"]["diagnoses"]) or "none"))
ref = next((r for r in cnn if r[0] == "none"), cnn[0])
text = [f"{os.cpu_count()} cores; `conf/fashion-mnist.conf` (the small CNN, Adam 1e-3; 54,000 training, 10,000 test "
        f"images), {epochs} epochs on `local[2]` for every schedule; cosine and onecycle with a 0.3-epoch warm-up, sgdr "
        "with cycles of 1 and 2 epochs, step halving the rate after every epoch.", "",
        "| schedule | test accuracy | final train loss | final validation loss | seconds | stall events | diagnoses |",
        "| --- | --- | --- | --- | --- | --- | --- |"]
for schedule, acc, tl, vl, sec, stall, kinds in cnn:
    text.append(f"| `{schedule}` | {acc:.4f} ({100 * (acc - ref[1]):+.1f} points) | {tl:.4f} | {vl:.4f} | {sec:.0f} | "
                f"{stall} | {kinds} |")
schedules_text = "\n".join(text)
print()
print(schedules_text)
ok = rows[1][1] > rows[0][1] + 0.05 and rows[1][3] < rows[0][3] - 0.3
print(f"plateau: the policy leaves it (accuracy +5 points and validation loss -0.3 or better): {'yes' if ok else 'NO'}")
sys.path.insert(0, "bench/lib")
from benchdoc import record
record("plateau", plateau)
record("sgdr", schedules_text)
PY
