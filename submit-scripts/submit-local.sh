#!/usr/bin/env bash
# Runs a sparktrain job with spark-submit on a local master (one JVM, N worker threads).
#   submit-scripts/submit-local.sh --config conf/fashion-mnist-sample.conf [--threads 2] [options]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
THREADS=2

st_usage() {
  echo "Usage: $(basename "$0") --config FILE [--threads N] [options]"
  echo "  --threads N              local worker threads = parallel training tasks (default 2)"
  st_usage_common
}

st_script_option() {
  case "$1" in
    --threads) THREADS="${2:?--threads needs a number}"; ST_TAKEN=2 ;;
  esac
}

st_parse_args "$@"
[[ "$ST_DEPLOY_MODE" == client ]] || st_die "a local master runs in client mode only"
st_base_confs
MASTER="local[$THREADS]"
st_doctor "$MASTER"
st_train_args "$ST_CONFIG"
st_run "$(st_submit_binary)" --master "$MASTER" --class io.sparktrain.cli.Main \
  ${ST_NAME:+--name "$ST_NAME"} "${ST_BASE_CONFS[@]}" "${ST_EXTRA[@]}" "$ST_JAR" "${ST_TRAIN_ARGS[@]}"
