#!/usr/bin/env bash
# Benchmark: prediction throughput on the full Fashion-MNIST test split (10,000 images, Debian's
# dataset-fashion-mnist), one after the other on this machine, with the same model.zip:
#   1. plain single-JVM DL4J: ModelSerializer.restoreMultiLayerNetwork + restoreNormalizerFromFile,
#      MultiLayerNetwork.output in minibatches of 256 (ND4J's default threads), the IDX file in memory;
#   2. sparktrain predict on local[2]: the model broadcast, one network per partition, minibatches of
#      256, from reading the IDX file to the committed Parquet output.
# Prints examples/s and accuracy side by side and writes the table into docs/BENCHMARKS.md.
#   bench/predict.sh [MODEL_ZIP]   default: trains the sample job for 2 epochs first
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=/usr/share/datasets/fashion-mnist
[[ -f "$DATA/t10k-images-idx3-ubyte.gz" ]] || { echo "needs Debian's dataset-fashion-mnist: apt-get install -y dataset-fashion-mnist" >&2; exit 2; }
OUT="$(mktemp -d)"
[[ -f target/sparktrain.jar && -f target/test-classes/io/sparktrain/bench/PlainDl4jPredict.class ]] \
  || mvn -q -B -DskipTests package test-compile
MODEL="${1:-}"
if [[ -z "$MODEL" ]]; then
  bin/sparktrain train --config conf/fashion-mnist-sample.conf --output "$OUT/run" --set train.epochs=2 \
    --set spark.conf.spark.ui.enabled=false > "$OUT/train.txt"
  MODEL="$OUT/run/model.zip"
fi

OPENS=$(sed -n 's/.*<spark.add.opens>\(.*\)<\/spark.add.opens>.*/\1/p' pom.xml)
# shellcheck disable=SC2086
java $OPENS -Xmx4g -Dorg.bytedeco.javacpp.maxbytes=4g -Dorg.bytedeco.javacpp.maxphysicalbytes=8g \
  -Dlog4j2.configurationFile=conf/log4j2.properties \
  -cp "target/test-classes:target/sparktrain.jar:target/spark-jars/*" \
  io.sparktrain.bench.PlainDl4jPredict "$MODEL" "$DATA/t10k-images-idx3-ubyte.gz" "$DATA/t10k-labels-idx1-ubyte.gz" 3 \
  | tee "$OUT/plain.txt"

start=$(date +%s.%N)
bin/sparktrain predict --model "$MODEL" --input "$DATA/t10k-images-idx3-ubyte.gz" \
  --labels "$DATA/t10k-labels-idx1-ubyte.gz" --output "$OUT/predictions" --master "local[2]" | tee "$OUT/predict.txt"
end=$(date +%s.%N)

python3 - "$OUT" "$start" "$end" <<'PY'
import re, sys, os
out, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
plain = [l for l in open(f"{out}/plain.txt") if l.startswith("pass")]
first, last = plain[0], plain[-1]
rate = lambda l: float(re.search(r"examples/s ([0-9.]+)", l).group(1))
acc = lambda l: float(re.search(r"accuracy ([0-9.]+)", l).group(1))
text_p = open(f"{out}/predict.txt").read()
m = re.search(r"([0-9,]+) records scored in ([0-9.]+) s \(([0-9]+) records/s\).*accuracy ([0-9.]+)", text_p)
scored, seconds, spark_rate, spark_acc = int(m.group(1).replace(",", "")), float(m.group(2)), float(m.group(3)), float(m.group(4))
wall = end - start
rows = [
    ("plain DL4J `output()`, one JVM, warm (pass 3; pass 1 in brackets)", f"{rate(last):.0f} ({rate(first):.0f})", acc(last), "1.00"),
    ("sparktrain predict, local[2]: read IDX, score, write Parquet", f"{spark_rate:.0f}", spark_acc, f"{spark_rate / rate(last):.2f}"),
    ("sparktrain predict, local[2]: the whole command (JVM and Spark start-up included)", f"{scored / wall:.0f}", spark_acc, f"{scored / wall / rate(last):.2f}"),
]
table = [f"Full Fashion-MNIST test split ({scored:,} images), one model.zip (the sample job's CNN), {os.cpu_count()} cores.", "",
         "| how | examples/s | accuracy | ratio to plain DL4J |", "| --- | --- | --- | --- |"]
for name, r, a, ratio in rows:
    table.append(f"| {name} | {r} | {a:.4f} | {ratio} |")
text = "\n".join(table)
print(text)
sys.path.insert(0, "bench/lib")
from benchdoc import record
record("predict", text)
PY
