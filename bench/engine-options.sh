#!/usr/bin/env bash
# Benchmark: the engine options of one worker side by side, in one run. The job's network (default: the
# shipped small CNN) is fitted by plain DL4J in one JVM on the first minibatches of its training file,
# one option changed at a time against the shipped engine (nd4j-native's linux-x86_64-onednn build, DL4J's
# oneDNN helpers on, one ND4J thread per task, images NCHW inside the network, DL4J's workspaces on,
# minibatches in memory):
#   - each nd4j-native build: plain, -avx2, -avx512, -onednn, -onednn-avx2, -onednn-avx512 (helpers on),
#   - DL4J's helpers off, NHWC inside the network, workspaces off, two ND4J threads,
#   - each minibatch read from an exported file before its step (ND4J's binary DataSet format, the
#     loader the workers use) instead of from memory.
# Every trial runs three times, in three passes over the list (this machine's throughput moves by
# 10-30% from one JVM to the next); the median of the three is compared. Prints examples/s, the build JavaCPP loaded
# and the first layer's helper for each, and writes the table into docs/BENCHMARKS.md.
#   bench/engine-options.sh [JOB_CONF] [TIMED_MINIBATCHES]     default: conf/fashion-mnist.conf 300
set -euo pipefail
cd "$(dirname "$0")/.."
CONF="${1:-conf/fashion-mnist.conf}"
TIMED="${2:-300}"
WARMUP=30
OUT="$(mktemp -d)"
[[ -f target/sparktrain.jar && -f target/test-classes/io/sparktrain/bench/EngineOptions.class ]] \
  || mvn -q -B -DskipTests package test-compile

OPENS=$(sed -n 's/.*<spark.add.opens>\(.*\)<\/spark.add.opens>.*/\1/p' pom.xml)
JAVA=(java $OPENS -Xmx6g -Dorg.bytedeco.javacpp.maxbytes=6g -Dorg.bytedeco.javacpp.maxphysicalbytes=14g
  -Dlog4j2.configurationFile=conf/log4j2.properties)
M2="$HOME/.m2/repository/org/nd4j/nd4j-native/1.0.0-M2.1"

# The application jar without its natives: each trial puts exactly one build on the class path.
cp target/sparktrain.jar "$OUT/bare.jar"
zip -q -d "$OUT/bare.jar" 'org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn/*'

trial() { # LABEL CLASSIFIER THREADS [java options...]
  local label="$1" build="$2" threads="$3"
  local jar="$M2/nd4j-native-1.0.0-M2.1-$build.jar"
  [[ -f "$jar" ]] || mvn -q -B dependency:get -Dartifact="org.nd4j:nd4j-native:1.0.0-M2.1:jar:$build" -Dtransitive=false
  # A trial whose JVM dies (a crash in native code) is recorded as such; the others go on.
  if ! OMP_NUM_THREADS="$threads" "${JAVA[@]}" "${@:4}" -XX:ErrorFile="$OUT/hs_err_%p.log" \
      -cp "target/test-classes:$jar:$OUT/bare.jar:target/spark-jars/*" \
      io.sparktrain.bench.EngineOptions "$CONF" "$label" "$WARMUP" "$TIMED" > "$OUT/trial.txt" 2>&1; then
    echo "crashed $label build $build threads $threads: $(grep -m1 -o 'SIG[A-Z]*' "$OUT/trial.txt" || tail -1 "$OUT/trial.txt")"
  fi | tee -a "$OUT/results.txt"
  grep '^result ' "$OUT/trial.txt" | tee -a "$OUT/results.txt" || true
}

TRIALS=(
  "shipped engine|linux-x86_64-onednn|1"
  "native build linux-x86_64|linux-x86_64|1"
  "native build linux-x86_64-avx2|linux-x86_64-avx2|1"
  "native build linux-x86_64-avx512|linux-x86_64-avx512|1"
  "native build linux-x86_64-onednn-avx2|linux-x86_64-onednn-avx2|1"
  "native build linux-x86_64-onednn-avx512|linux-x86_64-onednn-avx512|1"
  "DL4J's helpers off|linux-x86_64-onednn|1|-Dorg.eclipse.deeplearning4j.helpers.disable=true"
  "NHWC inside the network|linux-x86_64-onednn|1|-Dbench.format=NHWC"
  "workspaces off|linux-x86_64-onednn|1|-Dbench.workspaces=NONE"
  "two ND4J threads|linux-x86_64-onednn|2"
  "minibatches read from exported files|linux-x86_64-onednn|1|-Dbench.loader=files"
)
# Three passes, each starting four trials further down the list, so that no option always runs at the
# same point of the run.
for pass in 0 1 2; do
  for k in "${!TRIALS[@]}"; do
    IFS='|' read -r label build threads option <<< "${TRIALS[$(( (k + 4 * pass) % ${#TRIALS[@]} ))]}"
    trial "$label" "$build" "$threads" ${option:+"$option"}
  done
done

python3 - "$OUT/results.txt" "$CONF" "$TIMED" <<'PY'
import re, sys, os
results, conf, timed = sys.argv[1:]
runs = {}
for line in open(results):
    m = re.match(r"result (.*) examples/s ([0-9.]+) helper (\S+) build (\S+) threads (\S+)", line)
    if m:
        runs.setdefault(m.group(1), []).append((float(m.group(2)), m.group(3), m.group(4), m.group(5)))
        continue
    m = re.match(r"crashed (.*) build (\S+) threads (\S+): (.*)", line)
    runs.setdefault(m.group(1), []).append((None, f"JVM crashed ({m.group(4).strip()})", m.group(2), m.group(3)))
def median(values):
    values = sorted(values)
    return values[len(values) // 2] if len(values) % 2 else (values[len(values) // 2 - 1] + values[len(values) // 2]) / 2


base = median([r[0] for r in runs["shipped engine"] if r[0]])
table = [f"Job `{conf}`'s network, plain DL4J in one JVM, {timed} minibatches timed after 30 of warm-up, "
         f"{os.cpu_count()} cores; one option changed at a time against the shipped engine; each trial run "
         "three times (three passes over the list, each starting at another point), the medians compared.", "",
         "| engine | native build loaded | first layer's DL4J helper | ND4J threads | examples/s, 3 runs "
         "| median | × shipped (median) |",
         "| --- | --- | --- | --- | --- | --- | --- |"]
for label, rs in runs.items():
    rates = [r[0] for r in rs if r[0]]
    passes = ", ".join(f"{r[0]:.0f}" if r[0] else r[1] for r in rs)
    helper = next((r[1] for r in rs if r[0]), "")
    middle = median(rates) if len(rates) == len(rs) else None
    ratio = f"{middle / base:.2f}" if middle else "—"
    table.append(f"| {label} | {rs[0][2]} | {helper} | {rs[0][3]} | {passes} | "
                 f"{f'{middle:.0f}' if middle else '—'} | {ratio} |")
text = "\n".join(table)
print(text)
sys.path.insert(0, "bench/lib")
from benchdoc import record
record("engine-options", text)
PY
