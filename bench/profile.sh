#!/usr/bin/env bash
# Profile of a worker's training step: the job's network fitted by plain DL4J in one JVM with one ND4J
# thread (what each sparktrain task runs), on sparktrain's engine, under JDK Flight Recorder. Prints
# where the main thread's time goes (JFR samples it every 10-20 ms: in native code, by the DL4J layer or
# step that called it, and in Java, by package), then ND4J's op profiler over a second, shorter run
# (time per native op), and writes the breakdown into docs/BENCHMARKS.md.
#   bench/profile.sh [JOB_CONF] [EPOCHS]          default: conf/fashion-mnist.conf 1
set -euo pipefail
cd "$(dirname "$0")/.."
CONF="${1:-conf/fashion-mnist.conf}"
EPOCHS="${2:-1}"
OUT="$(mktemp -d)"
[[ -f target/sparktrain.jar && -d target/test-classes/io/sparktrain/bench ]] || mvn -q -B -DskipTests package test-compile
OPENS=$(sed -n 's/.*<spark.add.opens>\(.*\)<\/spark.add.opens>.*/\1/p' pom.xml)
JAVA=(java $OPENS -Xmx6g -Dorg.bytedeco.javacpp.maxbytes=6g -Dlog4j2.configurationFile=conf/log4j2.properties
  -cp "target/test-classes:target/sparktrain.jar:target/spark-jars/*")
OMP_NUM_THREADS=1 "${JAVA[@]}" -XX:StartFlightRecording=filename="$OUT/step.jfr",settings=profile \
  io.sparktrain.bench.PlainDl4jThroughput "$CONF" "$EPOCHS" | tee "$OUT/jfr-run.txt"
jfr print --stack-depth 96 --events jdk.ExecutionSample,jdk.NativeMethodSample "$OUT/step.jfr" > "$OUT/samples.txt"
# The op profiler slows every op down; a small job is enough for the shares.
OMP_NUM_THREADS=1 "${JAVA[@]}" -Dbench.opProfile=true io.sparktrain.bench.PlainDl4jThroughput \
  conf/fashion-mnist-sample.conf 2 > "$OUT/ops.txt" 2>&1 || true
python3 - "$OUT" "$CONF" "$EPOCHS" <<'PY'
import collections, re, sys
out, conf, epochs = sys.argv[1:]
text = open(f"{out}/samples.txt").read()
events = re.findall(r"(jdk\.(?:Execution|NativeMethod)Sample) \{(.*?)\n\}", text, re.S)
# Where a sample's stack says it is: the first match from the top of the stack wins. Only samples inside
# MultiLayerNetwork.fit count (not reading the data before training).
PARTS = [("convolution forward/backward (oneDNN helper)", "MKLDNNConvHelper"),
         ("pooling forward/backward (oneDNN helper)", "MKLDNNSubsamplingHelper"),
         ("convolution, DL4J's own code around the helper", "layers.convolution.ConvolutionLayer"),
         ("pooling, DL4J's own code around the helper", "subsampling.SubsamplingLayer"),
         ("updater (Adam), L2 and gradient normalisation", ".updater."), ("dropout", "Dropout"),
         ("output layer and loss", "BaseOutputLayer"), ("dense layer", "BaseLayer"),
         ("activations (ReLU)", "activations.")]
native, java = collections.Counter(), collections.Counter()
for kind, body in events:
    if '"main"' not in body or "MultiLayerNetwork.fit" not in body:
        continue
    frames = re.findall(r"^\s+([\w.$<>]+)\(", body.split("stackTrace = [", 1)[-1], re.M)
    if not frames:
        continue
    where = next((name for f in frames for name, key in PARTS if key in f), "other")
    if kind == "jdk.NativeMethodSample":
        native[where] += 1
    else:
        java[f"{where}: {'.'.join(frames[0].split('.')[:3])}"] += 1
total = sum(native.values()) + sum(java.values())
rate = [l for l in open(f"{out}/jfr-run.txt") if l.startswith("epoch")][-1]
lines = [f"Job `{conf}`, {epochs} epoch(s), plain DL4J on sparktrain's engine, one ND4J thread (as each task); "
         f"{total} samples of the training thread ({rate.split('examples/s')[1].split()[0]} examples/s under the recorder).", "",
         "| where | share of samples |", "| --- | --- |"]
lines.append(f"| **in native code (libnd4j, oneDNN, OpenBLAS)** | **{100 * sum(native.values()) / total:.1f}%** |")
for name, n in native.most_common():
    lines.append(f"| native: {name} | {100 * n / total:.1f}% |")
lines.append(f"| **in Java (DL4J, ND4J, JavaCPP, the JVM)** | **{100 * sum(java.values()) / total:.1f}%** |")
for name, n in java.most_common(8):
    lines.append(f"| Java: {name} | {100 * n / total:.1f}% |")
ops = re.findall(r"^(\w+Op) (\S+) \(-?\d+\)\s+>>>\s+perc: ([0-9.]+) Time spent: (\d+) ms", open(f"{out}/ops.txt").read(), re.M)
if ops:
    lines += ["", "ND4J's op profiler (`conf/fashion-mnist-sample.conf`, one thread, the last of 2 epochs; the "
              "profiler's own cost inflates the small ops):", "", "| op | share of op time | ms |", "| --- | --- | --- |"]
    for kind, name, perc, ms in ops[:12]:
        lines.append(f"| {name} ({kind}) | {float(perc):.1f}% | {ms} |")
text = "\n".join(lines)
print(text)
sys.path.insert(0, "bench/lib")
from benchdoc import record
record("profile", text)
PY
