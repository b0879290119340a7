#!/usr/bin/env bash
# Benchmark: the cost of the gradient-health listener at its default sampling (health.sampleEvery = 10).
# Runs the same job with health.enabled = false and = true, alternating (off, on, off, on) so drift of
# the machine hits both alike, and compares the mean training seconds per epoch (epochs 2.., the first
# also exports the minibatches). Target: overhead under 5% of epoch time. Writes the table into
# docs/BENCHMARKS.md.
#   bench/health-overhead.sh [JOB_CONF] [EPOCHS] [PAIRS]     default: conf/fashion-mnist-sample.conf 5 2
set -euo pipefail
cd "$(dirname "$0")/.."
CONF="${1:-conf/fashion-mnist-sample.conf}"
EPOCHS="${2:-5}"
PAIRS="${3:-2}"
OUT="$(mktemp -d)"
[[ -f target/sparktrain.jar ]] || mvn -q -B -DskipTests package
for pair in $(seq 1 "$PAIRS"); do
  for health in false true; do
    bin/sparktrain train --config "$CONF" --output "$OUT/run-$health-$pair" --set train.epochs="$EPOCHS" \
      --set health.enabled="$health" --set spark.conf.spark.ui.enabled=false | grep -E "^epoch|^test" || true
  done
done
python3 - "$OUT" "$CONF" "$EPOCHS" "$PAIRS" <<'PY'
import json, os, sys
out, conf, epochs, pairs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def epoch_seconds(health):
    secs, samples = [], 0
    for p in range(1, pairs + 1):
        d = f"{out}/run-{health}-{p}"
        lines = [json.loads(l) for l in open(f"{d}/metrics.jsonl")]
        secs += [l["trainSeconds"] for l in lines if l["type"] == "epoch" and l["epoch"] >= 2]
        samples += json.load(open(f"{d}/summary.json"))["health"]["samples"]
    return sum(secs) / len(secs), samples
off, _ = epoch_seconds("false")
on, samples = epoch_seconds("true")
text = "\n".join([
    f"Job `{conf}`, {epochs} epochs, {pairs} runs each (alternating), {os.cpu_count()} cores; mean training "
    f"seconds per epoch over epochs 2-{epochs}.", "",
    "| health listener | seconds per epoch | overhead |", "| --- | --- | --- |",
    f"| off (`health.enabled = false`, the baseline) | {off:.2f} | |",
    f"| on, `health.sampleEvery = 10` ({samples // pairs} samples per run) | {on:.2f} | {100 * (on - off) / off:+.1f}% |"])
print(text)
sys.path.insert(0, "bench/lib")
from benchdoc import record
record("health-overhead", text)
PY
