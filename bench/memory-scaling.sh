#!/usr/bin/env bash
# Benchmark: peak resident memory (heap + off-heap + everything else the kernel counts, VmHWM) of the
# full Fashion-MNIST job (conf/fashion-mnist.conf, minibatches of 32):
#   1. on a standalone cluster of separate JVMs on loopback (a Master, two 1-core Workers, the driver
#      submitted by submit-scripts/submit-standalone.sh with executors of EXECUTOR_MEMORY heap and as much
#      ND4J off-heap limit): the driver and each executor,
#   2. on local[2] with bin/sparktrain's defaults: one JVM that is driver and executors.
#   3. on local[1], and on local[2] averaging every 5 minibatches (for the scaling model).
# Prints each peak beside the executor target (under 2 GiB) and beside the memory the submit scripts
# and doctor budget for it (heap + off-heap limit + 1 GiB), and each run's wall-clock breakdown of
# training time; writes the table into docs/BENCHMARKS.md. Then bench/scaling.py models throughput at
# scale from the three runs' per-round costs (docs/SCALING.md).
#   bench/memory-scaling.sh [EXECUTOR_MEMORY] [EPOCHS]        default: 1g 2
set -euo pipefail
cd "$(dirname "$0")/.."
EXEC_MEM="${1:-1g}"
EPOCHS="${2:-2}"
OUT="$(mktemp -d)"
[[ -f target/sparktrain.jar ]] || mvn -q -B -DskipTests package
OPENS=$(sed -n 's/.*<spark.add.opens>\(.*\)<\/spark.add.opens>.*/\1/p' pom.xml)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# A Spark home made of the project's Spark jars (as the cluster tests make it).
SH="$OUT/spark-home"
mkdir -p "$SH/jars" "$SH/conf" "$SH/bin"
ln -s "$PWD"/target/spark-jars/* "$SH/jars/"
cp conf/log4j2.properties "$SH/conf/"
printf '#!/usr/bin/env bash\nexec java %s -cp "%s/conf:%s/jars/*" org.apache.spark.deploy.SparkSubmit "$@"\n' \
  "$OPENS" "$SH" "$SH" > "$SH/bin/spark-submit"
chmod +x "$SH/bin/spark-submit"
export SPARK_HOME="$SH" SPARK_SCALA_VERSION=2.12
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
MP=$(port); MUI=$(port)
# shellcheck disable=SC2086
java $OPENS -cp "$SH/jars/*" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$MP" \
  --webui-port "$MUI" > "$OUT/master.log" 2>&1 &
PIDS+=($!)
sleep 5
for i in 1 2; do
  # shellcheck disable=SC2086
  java $OPENS -cp "$SH/jars/*" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 6g \
    --webui-port "$(port)" --work-dir "$OUT/work$i" "spark://127.0.0.1:$MP" > "$OUT/worker$i.log" 2>&1 &
  PIDS+=($!)
done
for _ in $(seq 60); do
  alive=$(curl -s "http://127.0.0.1:$MUI/json/" | python3 -c 'import json, sys; print(json.load(sys.stdin)["aliveworkers"])' 2>/dev/null || echo 0)
  [[ "$alive" == 2 ]] && break
  sleep 1
done
[[ "$alive" == 2 ]] || { echo "the standalone cluster did not come up: $OUT/*.log" >&2; exit 1; }

python3 bench/lib/rss_sampler.py "$OUT/rss-standalone.json" driver=org.apache.spark.deploy.SparkSubmit \
  executor=CoarseGrainedExecutorBackend &
SAMPLER=$!
PIDS+=("$SAMPLER")
# The export folder is on file:, which the two workers share because they run on this machine (on a real
# cluster it is an hdfs: or s3a: folder): the run trains with the export approach, as local mode does.
submit-scripts/submit-standalone.sh --master "spark://127.0.0.1:$MP" --no-auth --skip-doctor \
  --config conf/fashion-mnist.conf --output "$OUT/run-standalone" --set train.epochs="$EPOCHS" \
  --set train.exportDirectory="file://$OUT/export" \
  --executor-memory "$EXEC_MEM" --executor-cores 1 --total-executor-cores 2 --driver-memory 2g \
  --conf spark.ui.enabled=false --conf spark.driver.host=127.0.0.1 2>&1 | tee "$OUT/standalone.txt"
sleep 1
kill "$SAMPLER"

python3 bench/lib/rss_sampler.py "$OUT/rss-local.json" local="$OUT/run-local2 " &
SAMPLER=$!
PIDS+=("$SAMPLER")
bin/sparktrain train --config conf/fashion-mnist.conf --master "local[2]" --output "$OUT/run-local2" \
  --set train.epochs="$EPOCHS" --set spark.conf.spark.ui.enabled=false | tee "$OUT/local.txt"
sleep 1
kill "$SAMPLER"

bin/sparktrain train --config conf/fashion-mnist.conf --master "local[1]" --output "$OUT/run-local1" \
  --set train.epochs="$EPOCHS" --set spark.conf.spark.ui.enabled=false | tee "$OUT/local1.txt"
bin/sparktrain train --config conf/fashion-mnist.conf --master "local[2]" --output "$OUT/run-local2-f5" \
  --set train.epochs="$EPOCHS" --set train.averagingFrequency=5 --set spark.conf.spark.ui.enabled=false \
  | tee "$OUT/local2-f5.txt"

python3 - "$OUT" "$EXEC_MEM" "$EPOCHS" <<'PY'
import json, sys
out, exec_mem, epochs = sys.argv[1:]
GIB = 1 << 30

def size(text):
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    return int(text[:-1]) * units[text[-1].lower()] if text[-1].lower() in units else int(text) << 20

def peaks(name):
    return json.load(open(f"{out}/rss-{name}.json"))

def breakdown(run):
    lines = [json.loads(l) for l in open(f"{out}/run-{run}/metrics.jsonl")]
    e = [l for l in lines if l.get("type") == "epoch"][-1]
    t = e.get("trainTime") or {}
    return (f"{e['trainSeconds']:.1f} s: fit {t.get('fit', 0):.1f}, worker other {t.get('workerOther', 0):.1f}, "
            f"tasks {t.get('taskOverhead', 0):.1f}, driver {t.get('driver', 0):.1f}; {e['examplesPerSecond']:.0f} ex/s")

heap = size(exec_mem)
budget = 2 * heap + GIB
rows = ["| JVM | settings | peak RSS | target / budget |", "| --- | --- | --- | --- |"]
standalone = peaks("standalone")
for key in sorted(standalone):
    role = key.split()[0]
    if role == "executor":
        rows.append(f"| standalone executor (pid {key.split()[1]}) | heap {exec_mem}, ND4J off-heap limit {exec_mem} "
                    f"| {standalone[key] / GIB:.2f} GiB | under 2 GiB: {'met' if standalone[key] < 2 * GIB else 'NOT met'}; "
                    f"the scripts budget {budget / GIB:.1f} GiB (heap + off-heap + 1 GiB) |")
    else:
        rows.append(f"| standalone driver | heap 2g, off-heap limit 2g | {standalone[key] / GIB:.2f} GiB | "
                    f"the scripts budget 5.0 GiB |")
for key, value in sorted(peaks("local").items()):
    rows.append(f"| local[2] (driver and both executors in one JVM) | bin/sparktrain defaults | "
                f"{value / GIB:.2f} GiB | |")
text = "\n".join([f"`conf/fashion-mnist.conf`, {epochs} epochs, minibatches of 32 (VmHWM of each JVM).", ""] + rows + [
    "", f"Last epoch's training time, standalone (2 executors, export approach): {breakdown('standalone')}.",
    f"Last epoch's training time, local[2] (export approach): {breakdown('local2')}."])
print(text)
sys.path.insert(0, "bench/lib")
from benchdoc import record
record("memory", text)
PY
python3 bench/scaling.py "$OUT/run-local1" "$OUT/run-local2" "$OUT/run-local2-f5" "$OUT/run-standalone"
