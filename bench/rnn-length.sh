#!/usr/bin/env bash
# Benchmark: the recall demonstration (conf/diagnostics/rnn-recall-data.conf: remember the first of L
# random symbols, chance 0.25) against the sequence length L, for the simple RNN of rnn-vanishing.conf
# and the LSTM of rnn-lstm.conf, each trained as configured (3 epochs, local[2]). Prints one table, in one
# run: test accuracy, the gradient at step 1 over the last step's (the median of the last 3 measured
# rounds) and what sparktrain reported; writes it into docs/BENCHMARKS.md.
#   bench/rnn-length.sh [LENGTHS...]        default: 10 25 50 100 200
set -euo pipefail
cd "$(dirname "$0")/.."
LENGTHS=("${@:-10 25 50 100 200}")
read -r -a LENGTHS <<< "${LENGTHS[*]}"
OUT="$(mktemp -d)"
[[ -f target/sparktrain.jar ]] || mvn -q -B -DskipTests package
for L in "${LENGTHS[@]}"; do
  for model in rnn-vanishing rnn-lstm; do
    start=$(date +%s.%N)
    bin/sparktrain train --config "conf/diagnostics/$model.conf" --output "$OUT/$model-$L" \
      --set data.generated.length="$L" --set spark.conf.spark.ui.enabled=false > "$OUT/$model-$L.txt" 2>&1
    end=$(date +%s.%N)
    echo "$L $model $(python3 -c "print(f'{$end - $start:.0f}')")" >> "$OUT/times.txt"
    grep "test accuracy" "$OUT/$model-$L.txt"
  done
done
python3 - "$OUT" <<'PY'
import json, statistics, sys
out = sys.argv[1]
times = {}
for line in open(f"{out}/times.txt"):
    L, model, secs = line.split()
    times[(int(L), model)] = secs
rows = ["| length | simplernn accuracy | simplernn step 1 / last | simplernn reported | lstm accuracy | "
        "lstm step 1 / last | lstm reported |", "| --- | --- | --- | --- | --- | --- | --- |"]
for L in sorted({k[0] for k in times}):
    cells = [str(L)]
    for model in ("rnn-vanishing", "rnn-lstm"):
        run = f"{out}/{model}-{L}"
        s = json.load(open(f"{run}/summary.json"))
        ratios = []
        for line in open(f"{run}/metrics.jsonl"):
            d = json.loads(line)
            if d["type"] == "stepGradient" and d["norms"][0] is not None and d["norms"][-1]:
                ratios.append(max(d["norms"][0], 1e-30) / max(d["norms"][-1], 1e-30))
        ratio = statistics.median(ratios[-3:]) if ratios else float("nan")
        kinds = sorted({d["kind"] for d in s["health"]["diagnoses"]}) or ["nothing"]
        cells += [f"{s['test']['accuracy']:.3f}", f"{ratio:.1e}", ", ".join(kinds)]
    rows.append("| " + " | ".join(cells) + " |")
text = "\n".join(["Recall of the first of L symbols (4 symbols, chance 0.25; 3,000 training and 1,000 test "
                  "sequences, 3 epochs, `local[2]`): test accuracy, the gradient at step 1 over the last "
                  "step's (median of the last 3 measured rounds) and the findings.", ""] + rows +
                 ["", "Seconds per run (simplernn / lstm): " + ", ".join(
                     f"L={L}: {times[(L, 'rnn-vanishing')]} / {times[(L, 'rnn-lstm')]}"
                     for L in sorted({k[0] for k in times}))])
print(text)
sys.path.insert(0, "bench/lib")
from benchdoc import record
record("rnn-length", text)
PY
