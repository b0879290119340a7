#!/usr/bin/env bash
# Benchmark: what checkpoints cost. The same job with checkpoints at epoch ends only
# (checkpoint.everyRounds = 0) and every 10 (the default), 5 and 1 rounds, one run after the other on
# the same machine; for each, the seconds spent saving checkpoints (writing, syncing, publishing the
# pointer, pruning; summary.json reliability.checkpoint.seconds) against the training seconds.
# Target: the default costs under 2% of training time. Writes the table into docs/BENCHMARKS.md.
#   bench/checkpoint-cost.sh [JOB_CONF] [EPOCHS] [OUTPUT_BASE]   default: conf/fashion-mnist-sample.conf 3 (a temp folder)
set -euo pipefail
cd "$(dirname "$0")/.."
CONF="${1:-conf/fashion-mnist-sample.conf}"
EPOCHS="${2:-3}"
OUT="${3:-$(mktemp -d)}"
[[ -f target/sparktrain.jar ]] || mvn -q -B -DskipTests package
for every in 0 10 5 1; do
  bin/sparktrain train --config "$CONF" --output "$OUT/every-$every" --set train.epochs="$EPOCHS" \
    --set checkpoint.everyRounds="$every" --set spark.conf.spark.ui.enabled=false | grep -E "^test" || true
done
python3 - "$OUT" "$CONF" "$EPOCHS" <<'PY'
import json, os, sys
out, conf, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = []
for every in (0, 10, 5, 1):
    s = json.load(open(f"{out}/every-{every}/summary.json"))
    c = s["reliability"]["checkpoint"]
    lines = [json.loads(l) for l in open(f"{out}/every-{every}/metrics.jsonl")]
    rounds = sum(1 for l in lines if l["type"] == "round")
    size = os.path.getsize(next(os.path.join(f"{out}/every-{every}/checkpoints", f)
        for f in os.listdir(f"{out}/every-{every}/checkpoints") if f.endswith(".zip")))
    rows.append((every, c["saved"], c["seconds"], s["timings"]["trainSeconds"], rounds, size))
label = lambda e: "epoch ends only" if e == 0 else f"every {e} rounds" + (" (default)" if e == 10 else "")
text = "\n".join([
    f"Job `{conf}`, {epochs} epochs, run directory on the local disk, {os.cpu_count()} cores; one checkpoint "
    f"is {rows[0][5] / 1e6:.2f} MB (parameters, Adam's state, the training state). Cost = seconds spent saving "
    "checkpoints / training seconds of the same run.", "",
    "| checkpoint.everyRounds | checkpoints | seconds saving | training seconds | cost |",
    "| --- | --- | --- | --- | --- |"] + [
    f"| {label(e)} | {n} | {sec:.2f} | {train:.1f} | {100 * sec / train:.2f}% |" for e, n, sec, train, _, _ in rows])
print(text)
sys.path.insert(0, "bench/lib")
from benchdoc import record
record("checkpoint-cost", text)
PY
