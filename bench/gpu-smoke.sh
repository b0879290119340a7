#!/usr/bin/env bash
# GPU smoke test, for a machine with an NVIDIA GPU (CUDA 11.6 + cuDNN 8 driver stack): builds the
# gpu-profile jar, reports the backend (sparktrain doctor), trains the full Fashion-MNIST CNN for one
# epoch on the GPU backend and on the CPU backend, and prints examples/s side by side.
#   bench/gpu-smoke.sh [JOB_CONF]        default: conf/fashion-mnist.conf
# Needs dataset-fashion-mnist (apt-get install dataset-fashion-mnist) for the default job.
set -euo pipefail
cd "$(dirname "$0")/.."
CONF="${1:-conf/fashion-mnist.conf}"
OUT="$(mktemp -d)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || echo "no nvidia-smi"

[[ -f target/sparktrain.jar ]] || mvn -q -B -DskipTests package
cp target/sparktrain.jar "$OUT/sparktrain-cpu.jar"
[[ -f target/sparktrain-gpu.jar ]] || mvn -q -B -Pgpu -DskipTests package
[[ -d target/spark-jars ]] || mvn -q -B -DskipTests package

run() { # $1 = cpu|gpu, $2 = jar
  OMP_NUM_THREADS="${3:-1}" java $(sed -n 's/.*<spark.add.opens>\(.*\)<\/spark.add.opens>.*/\1/p' pom.xml) \
    -Xmx8g -Dorg.bytedeco.javacpp.maxbytes=16g -Dorg.bytedeco.javacpp.maxphysicalbytes=28g \
    -Dlog4j2.configurationFile=conf/log4j2.properties \
    -Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource \
    -cp "$2:target/spark-jars/*" io.sparktrain.cli.Main "${@:4}"
}
run gpu target/sparktrain-gpu.jar 1 doctor --config "$CONF" | tee "$OUT/doctor-gpu.txt"
# One task on the one GPU; the CPU run uses every core with one task per core.
run gpu target/sparktrain-gpu.jar 1 train --config "$CONF" --master "local[1]" --output "$OUT/gpu" \
  --set train.epochs=1 --set train.batchSizePerWorker=128 --set spark.conf.spark.ui.enabled=false
run cpu "$OUT/sparktrain-cpu.jar" 1 train --config "$CONF" --master "local[$(nproc)]" --output "$OUT/cpu" \
  --set train.epochs=1 --set train.batchSizePerWorker=128 --set spark.conf.spark.ui.enabled=false
python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
print(f"{'backend':<8} {'examples/s':>11} {'test acc':>9}")
for b in ("gpu", "cpu"):
    s = json.load(open(f"{out}/{b}/summary.json"))
    print(f"{b:<8} {s['epochs']['meanExamplesPerSecond']:>11.0f} {s['test']['accuracy']:>9.4f}  ({s['versions']['nd4jBackend']})")
PY
