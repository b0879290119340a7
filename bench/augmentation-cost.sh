#!/usr/bin/env bash
# Benchmark: what augmentation costs. (1) A per-example pipeline (flip, shift/crop, random erasing: the
# image operations of conf/fashion-mnist-1k-augmented.conf) alone on one thread over the 60,000 full
# Fashion-MNIST training images, beside a plain copy of the same pixels (images/s per core). (2) The full
# Fashion-MNIST job for 3 epochs without and with that pipeline, one after the other: mean training
# seconds of epochs 2 and 3 (epoch 1 also exports the minibatches; the pipeline runs on the workers as
# each minibatch is loaded). Target: augmentation costs under 10% of an epoch's time. Writes the table
# into docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="$(mktemp -d)"
[[ -f target/sparktrain.jar && -f target/test-classes/io/sparktrain/bench/AugmentThroughput.class ]] \
  || mvn -q -B -DskipTests package test-compile
OPS='{ type = flip }, { type = shift, pixels = 2 }, { type = erase, p = 0.3, maxArea = 0.15 }'
OPENS=$(sed -n 's/.*<spark.add.opens>\(.*\)<\/spark.add.opens>.*/\1/p' pom.xml)
# shellcheck disable=SC2086
java $OPENS -Xmx6g -Dlog4j2.configurationFile=conf/log4j2.properties \
  -cp "target/test-classes:target/sparktrain.jar:target/spark-jars/*" \
  io.sparktrain.bench.AugmentThroughput conf/fashion-mnist.conf "augment.ops=[$OPS]" | tee "$OUT/micro.txt"
for mode in off on; do
  args=(--config conf/fashion-mnist.conf --output "$OUT/run-$mode" --set train.epochs=3 --set spark.conf.spark.ui.enabled=false)
  [[ "$mode" == on ]] && args+=(--set "augment.ops=[$OPS]")
  bin/sparktrain train "${args[@]}" | grep -E "^epoch|^test|^augmentation" || true
done
python3 - "$OUT" <<'PY'
import json, os, re, sys
out = sys.argv[1]
micro = open(f"{out}/micro.txt").read()
copy = float(re.search(r"copy images/s ([0-9.]+)", micro).group(1))
aug = float(re.search(r"augment images/s ([0-9.]+)", micro).group(1))
pipeline = re.search(r"pipeline (.*)", micro).group(1)
def later_epochs(mode):
    lines = [json.loads(l) for l in open(f"{out}/run-{mode}/metrics.jsonl")]
    e = [l["trainSeconds"] for l in lines if l["type"] == "epoch"][1:]
    acc = json.load(open(f"{out}/run-{mode}/summary.json"))["test"]["accuracy"]
    return sum(e) / len(e), acc
off, acc_off = later_epochs("off")
on, acc_on = later_epochs("on")
train = 54000
cores = os.cpu_count()
text = "\n".join([
    f"Pipeline: {pipeline}. {cores} cores.", "",
    "| measure | plain copy (baseline) | augmentation |", "| --- | --- | --- |",
    f"| images/s on one core, 60,000 images | {copy:.0f} | {aug:.0f} |",
    f"| seconds of augmentation work per epoch ({train:,} images over {cores} cores) | | {train / aug / cores:.2f} |",
    f"| training seconds per epoch (mean of epochs 2 and 3), full Fashion-MNIST job | {off:.1f} | {on:.1f} ({100 * (on - off) / off:+.1f}%) |",
    f"| test accuracy after 3 epochs | {acc_off:.4f} | {acc_on:.4f} |"])
print(text)
print(f"target: under 10% of an epoch: {'met' if (on - off) / off < 0.10 else 'NOT met'} "
      f"(pipeline work alone: {100 * (train / aug / cores) / off:.1f}% of the plain epoch)")
sys.path.insert(0, "bench/lib")
from benchdoc import record
record("augment-cost", text)
PY
