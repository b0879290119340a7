#!/usr/bin/env bash
# Benchmark: overfitting on small data and its cure. The small CNN (no dropout) on 1,000 Fashion-MNIST
# images (conf/fashion-mnist-1k.conf: no augmentation, all epochs, cosine learning-rate decay) against
# the same network, epochs and schedule with augmentation (on the executors while training, and at test
# time) and early stopping on the validation accuracy (conf/fashion-mnist-1k-augmented.conf), one after
# the other on this machine. Prints test accuracy (full 10,000-image test set; for the augmented run
# also without test-time augmentation) and the train/validation gap of both.
# Target: augmentation + early stopping at least 3 points of test accuracy above no augmentation.
# Writes the table into docs/BENCHMARKS.md.
#   bench/augmentation-overfit.sh [EPOCHS]      default: the configs' 300
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS="${1:-}"
OUT="$(mktemp -d)"
[[ -f target/sparktrain.jar ]] || mvn -q -B -DskipTests package
for conf in fashion-mnist-1k fashion-mnist-1k-augmented; do
  args=(--config "conf/$conf.conf" --output "$OUT/$conf" --set spark.conf.spark.ui.enabled=false)
  [[ -n "$EPOCHS" ]] && args+=(--set train.epochs="$EPOCHS")
  bin/sparktrain train "${args[@]}" | grep -E "^test|^health|^guard|^augmentation" || true
done
python3 - "$OUT" <<'PY'
import json, os, sys
out = sys.argv[1]
rows = []
for conf in ("fashion-mnist-1k", "fashion-mnist-1k-augmented"):
    s = json.load(open(f"{out}/{conf}/summary.json"))
    epochs = [json.loads(l) for l in open(f"{out}/{conf}/metrics.jsonl")]
    epochs = [e for e in epochs if e["type"] == "epoch"]
    chosen = s["health"]["stopping"]["chosenEpoch"]
    e = epochs[chosen - 1]
    tta = s["test"].get("testTimeAugmentation")
    rows.append((conf, s["test"]["accuracy"], tta["accuracyWithout"] if tta else None, len(epochs), chosen,
                 e["trainLoss"], e["validationLoss"], e["validationAccuracy"], s["health"]["stopping"]["stoppedBy"]))
base = rows[0][1]
text = [f"{os.cpu_count()} cores; test accuracy on the 10,000 test images; losses at the epoch the model is from.", "",
        "| job | test accuracy | without test-time augmentation | epochs run | model from epoch | train loss | "
        "validation loss | gap | validation accuracy |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
for conf, acc, plain, n, chosen, tl, vl, va, by in rows:
    without = "-" if plain is None else f"{plain:.4f} ({100 * (plain - base):+.1f} points)"
    text.append(f"| `{conf}` | {acc:.4f} ({100 * (acc - base):+.1f} points) | {without} | {n} ({by}) | {chosen} | "
                f"{tl:.4f} | {vl:.4f} | {vl - tl:+.4f} | {va:.4f} |")
text = "\n".join(text)
print(text)
print(f"target: +3 points: {'met' if rows[1][1] - base >= 0.03 else 'NOT met'}")
sys.path.insert(0, "bench/lib")
from benchdoc import record
record("overfit", text)
PY
