#!/usr/bin/env bash
# Benchmark: does the LR range test's suggestion train well? On the given job (default: the small CNN
# on the full Fashion-MNIST), trains with train.learningRate = auto and with 5 fixed rates spanning
# 1e-4 to 1e-1 (log-spaced), all for the same epochs, and compares test accuracies. Target: the
# suggestion reaches at least 98% of the best fixed rate's test accuracy. The divergence guard is off in
# every run, so a fixed rate stays fixed; a run that diverges counts as accuracy 0. Writes the table
# into docs/BENCHMARKS.md.
#   bench/lr-find-check.sh [JOB_CONF] [EPOCHS]      default: conf/fashion-mnist.conf 2
set -euo pipefail
cd "$(dirname "$0")/.."
CONF="${1:-conf/fashion-mnist.conf}"
EPOCHS="${2:-2}"
OUT="$(mktemp -d)"
[[ -f target/sparktrain.jar ]] || mvn -q -B -DskipTests package
RATES="0.0001 0.000562 0.00316 0.0178 0.1"
run() {
  bin/sparktrain train --config "$CONF" --output "$OUT/run-$1" --set train.epochs="$EPOCHS" \
    --set train.learningRate="$1" --set train.guard.enabled=false --set spark.conf.spark.ui.enabled=false | grep -E "^epoch|^test|^guard|^health" || true
}
run auto
for lr in $RATES; do run "$lr"; done
python3 - "$OUT" "$CONF" "$EPOCHS" "$RATES" <<'PY'
import json, os, sys
out, conf, epochs, rates = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split()
def result(name):
    s = json.load(open(f"{out}/run-{name}/summary.json"))
    if s.get("status") != "completed":
        return 0.0, s.get("health", {}).get("learningRate")
    return s["test"]["accuracy"], s["health"]["learningRate"]
auto_acc, auto_lr = result("auto")
fixed = [(float(r), result(r)[0]) for r in rates]
best_lr, best = max(fixed, key=lambda x: x[1])
rows = [f"Job `{conf}`, {epochs} epochs per run, {os.cpu_count()} cores; test accuracy on the test set.", "",
        "| learning rate | test accuracy | of the best fixed rate |", "| --- | --- | --- |"]
for lr, acc in fixed:
    rows.append(f"| {lr:g} (fixed) | {acc:.4f}{' (diverged)' if acc == 0 else ''} | {100 * acc / best:.1f}% |")
rows.append(f"| **{auto_lr['lrFind']['suggestion']:.3g} (lr-find: {auto_lr['lrFind']['rule']})** | **{auto_acc:.4f}** | "
            f"**{100 * auto_acc / best:.1f}%** |")
text = "\n".join(rows)
print(text)
print(f"target: >= 98% of the best fixed rate ({best_lr:g}): {'met' if auto_acc >= 0.98 * best else 'NOT met'}")
sys.path.insert(0, "bench/lib")
from benchdoc import record
record("lr-find", text)
PY
