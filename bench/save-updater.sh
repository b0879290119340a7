#!/usr/bin/env bash
# Benchmark: parameter averaging with and without averaging the updater state (train.saveUpdater),
# on the same job, seed and machine, one run after the other. Prints both side by side.
#   bench/save-updater.sh [JOB_CONF] [EPOCHS]
set -euo pipefail
cd "$(dirname "$0")/.."
CONF="${1:-conf/fashion-mnist-sample.conf}"
EPOCHS="${2:-6}"
OUT="$(mktemp -d)"
for value in true false; do
  bin/sparktrain train --config "$CONF" --output "$OUT/save-updater-$value" \
    --set train.saveUpdater=$value --set train.epochs="$EPOCHS" --set spark.conf.spark.ui.enabled=false \
    > "$OUT/$value.log" 2>&1 || { cat "$OUT/$value.log"; exit 1; }
done
python3 - "$OUT" "$CONF" "$EPOCHS" <<'PY'
import json, sys
out, conf, epochs = sys.argv[1:]
print(f"job {conf}, {epochs} epochs, same seed, {sys.platform}")
print(f"{'saveUpdater':<12} {'test acc':>9} {'val loss':>9} {'train s':>8} {'ex/s':>7}")
for v in ("true", "false"):
    s = json.load(open(f"{out}/save-updater-{v}/summary.json"))
    print(f"{v:<12} {s['test']['accuracy']:>9.4f} {s['epochs']['finalValidationLoss']:>9.4f} "
          f"{s['timings']['trainSeconds']:>8.1f} {s['epochs']['meanExamplesPerSecond']:>7.0f}")
PY
