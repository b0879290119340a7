#!/usr/bin/env bash
# Benchmark: the shipped sequence job (conf/co2-direction.conf: an LSTM over 26-week windows of the Mauna
# Loa CO2 record) trained by sparktrain on local[2] against plain single-JVM DL4J (the same network,
# sequences and minibatch size, no Spark, ND4J's threads on both cores), one after the other in one run.
# Prints sequences/s of the last epoch of each and the ratio, and writes the table into docs/BENCHMARKS.md.
#   bench/sequence-throughput.sh [JOB_CONF] [EPOCHS]       default: conf/co2-direction.conf 5
set -euo pipefail
cd "$(dirname "$0")/.."
CONF="${1:-conf/co2-direction.conf}"
EPOCHS="${2:-5}"
OUT="$(mktemp -d)"
[[ -f target/sparktrain.jar && -d target/test-classes/io/sparktrain/bench ]] || mvn -q -B -DskipTests package test-compile
OPENS=$(sed -n 's/.*<spark.add.opens>\(.*\)<\/spark.add.opens>.*/\1/p' pom.xml)
java $OPENS -Xmx4g -Dorg.bytedeco.javacpp.maxbytes=4g -Dorg.bytedeco.javacpp.maxphysicalbytes=10g \
  -Dlog4j2.configurationFile=conf/log4j2.properties \
  -cp "target/test-classes:target/sparktrain.jar:target/spark-jars/*" \
  io.sparktrain.bench.PlainDl4jSequenceThroughput "$CONF" "$EPOCHS" | tee "$OUT/plain.txt"
bin/sparktrain train --config "$CONF" --master 'local[2]' --output "$OUT/run" --set train.epochs="$EPOCHS" \
  --set train.stall.action=none --set spark.conf.spark.ui.enabled=false | tee "$OUT/console.txt"
python3 - "$OUT" "$CONF" <<'PY'
import json, sys
out, conf = sys.argv[1], sys.argv[2]
plain = [l.split() for l in open(f"{out}/plain.txt") if l.startswith("epoch ")][-1]
plain_rate = float(plain[plain.index("sequences/s") + 1])
metrics = [json.loads(l) for l in open(f"{out}/run/metrics.jsonl")]
epochs = [m for m in metrics if m["type"] == "epoch"]
last = epochs[-1]
s = json.load(open(f"{out}/run/summary.json"))
text = "\n".join([
    f"`{conf}`, last of {len(epochs)} epochs ({s['data']['shape']}):", "",
    "| | sequences/s | ratio to plain DL4J |", "| --- | --- | --- |",
    f"| plain single-JVM DL4J, both cores | {plain_rate:.0f} | 1.00 |",
    f"| sparktrain `local[2]` (the job's averaging frequency) | "
    f"{last['examplesPerSecond']:.0f} | {last['examplesPerSecond'] / plain_rate:.2f} |", "",
    f"sparktrain's test accuracy after these epochs: {s['test']['accuracy']:.4f} "
    f"(stall policy off, so that every epoch trains at the configured rate)."])
print(text)
sys.path.insert(0, "bench/lib")
from benchdoc import record
record("sequence-throughput", text)
PY
