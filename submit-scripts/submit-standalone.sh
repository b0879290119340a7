#!/usr/bin/env bash
# Submits a sparktrain job to a Spark standalone cluster (client deploy mode: the driver runs here).
#   SPARKTRAIN_AUTH_SECRET=... submit-scripts/submit-standalone.sh --master spark://host:7077 \
#     --config conf/fashion-mnist.conf --output hdfs://nn:8020/runs/fmnist [options]
# Authentication and RPC encryption are on: the cluster's shared secret comes from the environment
# variable SPARKTRAIN_AUTH_SECRET (handed to spark-submit as _SPARK_AUTH_SECRET, never as an argument).
# --no-auth turns them off, for clusters that run without a secret.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
MASTER=""
AUTH=1
TOTAL_CORES=""

st_usage() {
  echo "Usage: $(basename "$0") --master spark://HOST:PORT --config FILE [options]"
  echo "  --master URL             the standalone master; required"
  echo "  --total-executor-cores N cores for the whole application"
  echo "  --no-auth                no spark.authenticate / RPC encryption (cluster without a secret)"
  st_usage_common
}

st_script_option() {
  case "$1" in
    --master) MASTER="${2:?--master needs spark://HOST:PORT}"; ST_TAKEN=2 ;;
    --total-executor-cores) TOTAL_CORES="${2:?}"; ST_TAKEN=2 ;;
    --no-auth) AUTH=0; ST_TAKEN=1 ;;
  esac
}

st_parse_args "$@"
[[ "$MASTER" == spark://* ]] || st_die "--master must be a spark://HOST:PORT URL, found '${MASTER:-nothing}'"
[[ "$ST_DEPLOY_MODE" == client ]] || st_die "use --deploy-mode client on standalone (the driver reads local job files)"
st_base_confs
SECURITY=()
if [[ "$AUTH" -eq 1 ]]; then
  [[ -n "${SPARKTRAIN_AUTH_SECRET:-}" ]] || st_die "SPARKTRAIN_AUTH_SECRET is not set: export the cluster's shared secret, or pass --no-auth"
  export _SPARK_AUTH_SECRET="$SPARKTRAIN_AUTH_SECRET"
  SECURITY=(--conf spark.authenticate=true --conf spark.network.crypto.enabled=true
    --conf spark.io.encryption.enabled=true)
else
  echo "$(basename "$0"): warning: authentication and encryption are off (--no-auth)" >&2
fi
st_doctor "$MASTER"
st_train_args "$ST_CONFIG"
st_run "$(st_submit_binary)" --master "$MASTER" --deploy-mode client --class io.sparktrain.cli.Main \
  ${ST_NAME:+--name "$ST_NAME"} ${TOTAL_CORES:+--total-executor-cores "$TOTAL_CORES"} \
  "${SECURITY[@]}" "${ST_BASE_CONFS[@]}" "${ST_EXTRA[@]}" "$ST_JAR" "${ST_TRAIN_ARGS[@]}"
