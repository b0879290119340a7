#!/usr/bin/env bash
# Benchmark: the same network on the same data, three ways, one after the other on this machine:
#   1. plain single-JVM DL4J (MultiLayerNetwork.fit, ND4J's default threads),
#   2. sparktrain on local[1] (one training task, one ND4J thread),
#   3. sparktrain on local[2] (two tasks, one ND4J thread each: parameter averaging).
# Prints examples/s of the last epoch of each (the first sparktrain epoch also exports the minibatches)
# and the ratios to the plain baseline, and writes the table into docs/BENCHMARKS.md.
#   bench/throughput.sh [JOB_CONF] [EPOCHS]       default: conf/fashion-mnist.conf 2
set -euo pipefail
cd "$(dirname "$0")/.."
CONF="${1:-conf/fashion-mnist.conf}"
EPOCHS="${2:-2}"
OUT="$(mktemp -d)"
[[ -f target/sparktrain.jar && -d target/test-classes/io/sparktrain/bench ]] || mvn -q -B -DskipTests package test-compile

OPENS=$(sed -n 's/.*<spark.add.opens>\(.*\)<\/spark.add.opens>.*/\1/p' pom.xml)
if [[ -n "${PLAIN_RESULT:-}" ]]; then
  # Reuse a plain-DL4J measurement taken earlier on this machine (its output file).
  cp "$PLAIN_RESULT" "$OUT/plain.txt"
else
# shellcheck disable=SC2086
java $OPENS -Xmx6g -Dorg.bytedeco.javacpp.maxbytes=6g -Dorg.bytedeco.javacpp.maxphysicalbytes=14g \
  -Dlog4j2.configurationFile=conf/log4j2.properties \
  -cp "target/test-classes:target/sparktrain.jar:target/spark-jars/*" \
  io.sparktrain.bench.PlainDl4jThroughput "$CONF" "$EPOCHS" | tee "$OUT/plain.txt"
fi

for master in "local[1]" "local[2]"; do
  bin/sparktrain train --config "$CONF" --master "$master" --output "$OUT/run-$master" \
    --set train.epochs="$EPOCHS" --set spark.conf.spark.ui.enabled=false | tee "$OUT/$master.txt"
done

python3 - "$OUT" "$CONF" "$EPOCHS" <<'PY'
import json, re, sys, platform, os
out, conf, epochs = sys.argv[1:]
plain = [l for l in open(f"{out}/plain.txt") if l.startswith("epoch")]
plain_rate = float(re.search(r"examples/s ([0-9.]+)", plain[-1]).group(1))
plain_first = float(re.search(r"examples/s ([0-9.]+)", plain[0]).group(1))
rows = [("plain DL4J, one JVM (ND4J default threads)", plain_rate, plain_first)]
for master in ("local[1]", "local[2]"):
    lines = [json.loads(l) for l in open(f"{out}/run-{master}/metrics.jsonl")]
    lines = [l for l in lines if l.get("type") == "epoch"]
    rows.append((f"sparktrain {master}", lines[-1]["examplesPerSecond"], lines[0]["examplesPerSecond"]))
table = [f"Job `{conf}`, {epochs} epochs each, {os.cpu_count()} cores; examples/s of the last epoch "
         f"(first epoch in brackets: sparktrain exports the minibatches in it).", "",
         "| how | examples/s | ratio to plain DL4J |", "| --- | --- | --- |"]
for name, rate, first in rows:
    table.append(f"| {name} | {rate:.0f} ({first:.0f}) | {rate / plain_rate:.2f} |")
text = "\n".join(table)
print(text)
sys.path.insert(0, "bench/lib")
from benchdoc import record
record("throughput", text)
PY
