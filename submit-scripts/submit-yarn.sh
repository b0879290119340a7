#!/usr/bin/env bash
# Submits a sparktrain job to YARN, in cluster (default) or client deploy mode.
#   submit-scripts/submit-yarn.sh --config conf/fashion-mnist.conf --output hdfs:///runs/fmnist \
#     [--queue ml] [--num-executors 4] [--principal me@REALM --keytab /path/me.keytab] [options]
# YARN generates and distributes the authentication secret: spark.authenticate, RPC and I/O
# encryption are on. In cluster mode the job is rendered into one file and shipped with --files.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
ST_DEPLOY_MODE="cluster"
QUEUE=""
NUM_EXECUTORS=""
PRINCIPAL=""
KEYTAB=""

st_usage() {
  echo "Usage: $(basename "$0") --config FILE [--queue Q] [--num-executors N] [--principal P --keytab F] [options]"
  echo "  --queue NAME             YARN queue"
  echo "  --num-executors N        executors (default: dynamic allocation if the cluster has it)"
  echo "  --principal NAME         Kerberos principal, with --keytab"
  echo "  --keytab FILE            Kerberos keytab, with --principal"
  st_usage_common
  echo "Default deploy mode on YARN: cluster. With --output and without --fresh, spark.yarn.maxAppAttempts is 2:"
  echo "in cluster mode a failed driver gets a second attempt with the same arguments, which continues the run."
  echo "With --fresh or without --output it is 1 (a second attempt would be refused or start over)."
}

st_script_option() {
  case "$1" in
    --queue) QUEUE="${2:?}"; ST_TAKEN=2 ;;
    --num-executors) NUM_EXECUTORS="${2:?}"; ST_TAKEN=2 ;;
    --principal) PRINCIPAL="${2:?}"; ST_TAKEN=2 ;;
    --keytab) KEYTAB="${2:?}"; ST_TAKEN=2 ;;
  esac
}

st_parse_args "$@"
[[ -n "$PRINCIPAL" && -z "$KEYTAB" || -z "$PRINCIPAL" && -n "$KEYTAB" ]] && st_die "--principal and --keytab go together"
[[ -z "$KEYTAB" || "$ST_DRY_RUN" -eq 1 || -r "$KEYTAB" ]] || st_die "keytab $KEYTAB is not readable"
if [[ "$ST_DEPLOY_MODE" == cluster && -n "$ST_OUTPUT" && "$ST_OUTPUT" != *://* ]]; then
  st_die "--output $ST_OUTPUT is a local path, but the driver runs in a YARN container: use an hdfs: or s3a: URI"
fi
st_base_confs
# A re-attempt reruns the same arguments: with --resume it continues the run, without it the CLI
# would refuse the folder the first attempt started, so there is then no second attempt.
ATTEMPTS=1
st_resumes && ATTEMPTS=2
st_doctor "yarn"
FILES=()
if [[ "$ST_DEPLOY_MODE" == cluster ]]; then
  JOB_FILE="$(mktemp -d)/sparktrain-job.conf"
  st_render_config "$JOB_FILE"
  FILES=(--files "$JOB_FILE")
  st_train_args "sparktrain-job.conf" rendered
else
  st_train_args "$ST_CONFIG"
fi
st_run "$(st_submit_binary)" --master yarn --deploy-mode "$ST_DEPLOY_MODE" --class io.sparktrain.cli.Main \
  ${ST_NAME:+--name "$ST_NAME"} ${QUEUE:+--queue "$QUEUE"} ${NUM_EXECUTORS:+--num-executors "$NUM_EXECUTORS"} \
  ${PRINCIPAL:+--principal "$PRINCIPAL"} ${KEYTAB:+--keytab "$KEYTAB"} \
  --conf spark.authenticate=true --conf spark.network.crypto.enabled=true --conf spark.io.encryption.enabled=true \
  --conf "spark.yarn.maxAppAttempts=$ATTEMPTS" \
  "${FILES[@]}" "${ST_BASE_CONFS[@]}" "${ST_EXTRA[@]}" "$ST_JAR" "${ST_TRAIN_ARGS[@]}"
