#!/usr/bin/env bash
# Benchmark: the same network on the same data, trained one way after the other on this machine:
#   1. PyTorch's CPU build (Debian's python3-torch), 2 threads: the peer (skipped, and said, without it),
#   2. plain single-JVM DL4J as DL4J ships it (nd4j-native's plain build, DL4J's defaults: its layer
#      helpers off, ND4J's default threads = both cores): the baseline of the targets,
#   3. plain single-JVM DL4J on sparktrain's engine (oneDNN build, helpers on), both cores,
#   4. the same with one ND4J thread,
#   5. sparktrain on local[1], 6. on local[2] (one ND4J thread per task, the job's averaging frequency),
#   7, 8. sparktrain on local[2] averaging every 20 and every 5 minibatches.
# Prints examples/s of the last epoch of each and the ratios to PyTorch and to the baseline, and writes
# the table into docs/BENCHMARKS.md.
#   bench/throughput.sh [JOB_CONF] [EPOCHS]       default: conf/fashion-mnist.conf 2
set -euo pipefail
cd "$(dirname "$0")/.."
CONF="${1:-conf/fashion-mnist.conf}"
EPOCHS="${2:-2}"
OUT="$(mktemp -d)"
[[ -f target/sparktrain.jar && -d target/test-classes/io/sparktrain/bench ]] || mvn -q -B -DskipTests package test-compile

OPENS=$(sed -n 's/.*<spark.add.opens>\(.*\)<\/spark.add.opens>.*/\1/p' pom.xml)
JAVA=(java $OPENS -Xmx6g -Dorg.bytedeco.javacpp.maxbytes=6g -Dorg.bytedeco.javacpp.maxphysicalbytes=14g
  -Dlog4j2.configurationFile=conf/log4j2.properties)
CP="target/test-classes:target/sparktrain.jar:target/spark-jars/*"

# 1. The peer.
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  DATA=$(dirname "$(sed -n 's/^ *train *= *"\(.*\)"/\1/p' "$CONF" | head -1)")
  /usr/bin/python3 bench/pytorch_cnn.py "$DATA" "$EPOCHS" 2 | tee "$OUT/pytorch.txt"
else
  echo "PyTorch is not installed (apt-get install python3-torch): its row is left out" | tee "$OUT/pytorch.txt"
fi

# 2. DL4J as shipped: the application jar with its oneDNN natives taken out, nd4j-native's plain build in.
STOCK_NATIVES="$HOME/.m2/repository/org/nd4j/nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1-linux-x86_64.jar"
[[ -f "$STOCK_NATIVES" ]] || mvn -q -B dependency:get -Dartifact=org.nd4j:nd4j-native:1.0.0-M2.1:jar:linux-x86_64 -Dtransitive=false
cp target/sparktrain.jar "$OUT/stock.jar"
zip -q -d "$OUT/stock.jar" 'org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn/*'
"${JAVA[@]}" -Dorg.eclipse.deeplearning4j.helpers.disable=true \
  -cp "target/test-classes:$STOCK_NATIVES:$OUT/stock.jar:target/spark-jars/*" \
  io.sparktrain.bench.PlainDl4jThroughput "$CONF" "$EPOCHS" | tee "$OUT/stock.txt"

# 3, 4. Plain DL4J on sparktrain's engine, two threads and one.
"${JAVA[@]}" -cp "$CP" io.sparktrain.bench.PlainDl4jThroughput "$CONF" "$EPOCHS" | tee "$OUT/engine2.txt"
OMP_NUM_THREADS=1 "${JAVA[@]}" -cp "$CP" io.sparktrain.bench.PlainDl4jThroughput "$CONF" "$EPOCHS" | tee "$OUT/engine1.txt"

# 5-7. sparktrain.
run() {
  bin/sparktrain train --config "$CONF" --master "$1" --output "$OUT/run-$2" \
    --set train.epochs="$EPOCHS" --set spark.conf.spark.ui.enabled=false "${@:3}" | tee "$OUT/$2.txt"
}
run "local[1]" local1
run "local[2]" local2
run "local[2]" local2-avg20 --set train.averagingFrequency=20
run "local[2]" local2-avg5 --set train.averagingFrequency=5

python3 - "$OUT" "$CONF" "$EPOCHS" <<'PY'
import json, re, sys, os
out, conf, epochs = sys.argv[1:]

def plain(name):
    lines = open(f"{out}/{name}.txt").read().splitlines()
    epochs_ = [l for l in lines if l.startswith("epoch")]
    if not epochs_:
        return None
    acc = [l for l in lines if l.startswith("test accuracy")]
    return (float(re.search(r"examples/s ([0-9.]+)", epochs_[-1]).group(1)),
            float(acc[0].split()[2]) if acc else None)

def spark(name):
    lines = [json.loads(l) for l in open(f"{out}/run-{name}/metrics.jsonl")]
    rate = [l for l in lines if l.get("type") == "epoch"][-1]["examplesPerSecond"]
    summary = json.load(open(f"{out}/run-{name}/summary.json"))
    acc = (summary.get("test") or {}).get("accuracy")
    return rate, acc

rows = [("PyTorch 1.13 CPU, 2 threads (the peer)", plain("pytorch")),
        ("plain DL4J as shipped: plain native build, helpers off, 2 threads (the baseline)", plain("stock")),
        ("plain DL4J on sparktrain's engine (oneDNN build, helpers on), 2 threads", plain("engine2")),
        ("plain DL4J on sparktrain's engine, 1 thread", plain("engine1")),
        ("sparktrain local[1]", spark("local1")),
        ("sparktrain local[2]", spark("local2")),
        ("sparktrain local[2], averagingFrequency 20", spark("local2-avg20")),
        ("sparktrain local[2], averagingFrequency 5", spark("local2-avg5"))]
torch = rows[0][1][0] if rows[0][1] else None
base = rows[1][1][0]
table = [f"Job `{conf}`, {epochs} epochs each, {os.cpu_count()} cores, minibatches of 32; examples/s of the "
         "last epoch, test accuracy on the 10,000 test images.", "",
         "| how | examples/s | × PyTorch | × plain DL4J | test accuracy |", "| --- | --- | --- | --- | --- |"]
for name, result in rows:
    if result is None:
        table.append(f"| {name} | not run | | | |")
        continue
    rate, acc = result
    vs_torch = f"{rate / torch:.2f}" if torch else ""
    acc_text = f"{acc:.4f}" if acc is not None else ""
    table.append(f"| {name} | {rate:.0f} | {vs_torch} | {rate / base:.2f} | {acc_text} |")
local2 = rows[5][1][0]
table.append("")
table.append((f"Targets: local[2] at {local2 / torch:.2f} × PyTorch (target ≥ 0.67)" if torch
              else "Targets: PyTorch not run") + f"; at {local2 / base:.2f} × plain DL4J (target ≥ 1.8).")
text = "\n".join(table)
print(text)
sys.path.insert(0, "bench/lib")
from benchdoc import record
record("throughput", text)
PY
