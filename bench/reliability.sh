#!/usr/bin/env bash
# Reliability figures: every fault of the fault tests injected RUNS times, each against the same job
# undisturbed, and the figures recorded in docs/RELIABILITY.md:
#   SIGTERM mid-epoch; run directory full (a 3 MiB tmpfs, needs root); S3 endpoint stopped (s3proxy
#   killed) -- FaultsIT, local[2], bin/sparktrain; executor SIGKILLed mid-epoch and driver SIGKILLed
#   mid-epoch then resubmitted -- StandaloneClusterIT, a standalone cluster of separate JVMs with HDFS.
#   bench/reliability.sh [RUNS]      (about 10 minutes a repetition on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
OUT="$(mktemp -d)"
for i in $(seq 1 "$RUNS"); do
  mvn -B -ntp -o '-Dit.test=FaultsIT,StandaloneClusterIT#undisturbed*+executorKilled*+driverKilled*' -Dtest=NONE \
    -Dsurefire.failIfNoSpecifiedTests=false verify > "$OUT/run-$i.log" 2>&1 \
    || { tail -50 "$OUT/run-$i.log"; exit 1; }
  grep -h '^reliability: ' "$OUT/run-$i.log" > "$OUT/figures-$i.txt" || true
done
PYTHONPATH=bench/lib python3 - "$OUT" "$RUNS" <<'PY'
import collections, glob, re, sys
from benchdoc import record
out, runs = sys.argv[1], int(sys.argv[2])
rows = collections.defaultdict(list)
for f in sorted(glob.glob(f"{out}/figures-*.txt")):
    for line in open(f):
        if " fault=" not in line:
            continue
        fault = re.search(r"fault=(.*?) lostRounds=", line).group(1)
        figures = dict(re.findall(r"(\w+)=([-+.\w]+)", line[line.index(" lostRounds="):]))
        rows[fault].append({k: float(v) for k, v in figures.items()})
lines = [f"{runs} repetitions of each fault on this machine (2 cores); each faulted run is compared with the "
         "same job undisturbed (same seed, same data) in the same repetition.", "",
         "| fault | runs | runs that lost nothing | rounds redone (mean) | seconds redone (mean) "
         "| fault to finished run, s (mean) | undisturbed run, s (mean) | largest parameter difference "
         "| accuracy difference |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
for fault, rs in rows.items():
    n = len(rs)
    exact = sum(1 for r in rs if r["maxParameterDifference"] <= 1e-6 and r["accuracy"] == r["baselineAccuracy"])
    mean = lambda k: sum(r[k] for r in rs) / n
    lines.append(f"| {fault} | {n} | {exact} | {mean('lostRounds'):.1f} | {mean('lostSeconds'):.1f} "
                 f"| {mean('faultToEndSeconds'):.0f} | {mean('baselineSeconds'):.0f} "
                 f"| {max(r['maxParameterDifference'] for r in rs):.3g} "
                 f"| {max(abs(r['accuracy'] - r['baselineAccuracy']) for r in rs):.4f} |")
text = "\n".join(lines)
print(text)
record("reliability", text, doc="docs/RELIABILITY.md")
PY
