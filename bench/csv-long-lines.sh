#!/usr/bin/env bash
# Benchmark: what the CSV long-line pass costs (data.limits.maxLineBytes: a streaming pass over the files
# that finds lines too long to read, so they are quarantined rather than skipped silently). A generated
# CSV of 600,000 rows x 30 features (127 MB) read as training reads it (every row parsed; the read
# includes the pass), beside the pass alone, on local[1]. Writes the table into docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="$(mktemp -d)"
[[ -f target/sparktrain.jar && -f target/test-classes/io/sparktrain/bench/CsvLongLineCost.class ]] \
  || mvn -q -B -DskipTests package test-compile
python3 - "$OUT/data.csv" <<'PY'
import random, sys
random.seed(1)
with open(sys.argv[1], "w") as f:
    f.write(",".join(f"x{i}" for i in range(30)) + ",y\n")
    for i in range(600000):
        f.write(",".join(f"{random.random():.4f}" for _ in range(30)) + f",{i % 2}\n")
PY
OPENS=$(sed -n 's/.*<spark.add.opens>\(.*\)<\/spark.add.opens>.*/\1/p' pom.xml)
# shellcheck disable=SC2086
java $OPENS -Xmx4g -Dlog4j2.configurationFile=conf/log4j2.properties \
  -cp "target/test-classes:target/sparktrain.jar:target/spark-jars/*" \
  io.sparktrain.bench.CsvLongLineCost "$OUT/data.csv" 31 | tee "$OUT/rounds.txt"
python3 - "$OUT" <<'PY'
import os, re, sys
out = sys.argv[1]
rounds = [tuple(re.search(r"round (\d+) rows (\d+) columns (\d+) read ([0-9.]+) pass ([0-9.]+)", l).groups())
          for l in open(f"{out}/rounds.txt") if l.startswith("round")]
size = os.path.getsize(f"{out}/data.csv") / 1e6
lines = [f"{int(rounds[0][1]):,} rows x {int(rounds[0][2]) - 1} features, {size:.0f} MB, local[1].", "",
         "| round | read as training reads it (with the pass), s | the pass alone, s | pass share of the read |",
         "| --- | --- | --- | --- |"]
for r, rows, cols, read, pas in rounds:
    lines.append(f"| {r} | {float(read):.2f} | {float(pas):.2f} | {100 * float(pas) / float(read):.0f}% |")
text = "\n".join(lines)
print(text)
sys.path.insert(0, "bench/lib")
from benchdoc import record
record("csv-long-lines", text)
PY
