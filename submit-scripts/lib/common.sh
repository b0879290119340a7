# Shared by the submit-*.sh scripts: argument parsing, memory sizing for ND4J, and the spark-submit
# command line. Sourced, not run. Each script defines st_script_option (its own flags) and st_main.
# shellcheck shell=bash

SPARKTRAIN_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ST_CONFIG=""
ST_OUTPUT=""
ST_SETS=()
ST_CONFS=()
ST_EXTRA=()
ST_JAR="${SPARKTRAIN_JAR:-$SPARKTRAIN_HOME/target/sparktrain.jar}"
# The jar the steps on this machine run (preflight, rendering the job): ST_JAR, unless that names a path
# inside the image (local://), which this machine does not have.
ST_LOCAL_JAR="${SPARKTRAIN_LOCAL_JAR:-$SPARKTRAIN_HOME/target/sparktrain.jar}"
ST_NAME=""
ST_DRIVER_MEMORY="4g"
ST_EXECUTOR_MEMORY="4g"
ST_EXECUTOR_CORES="1"
ST_TASK_CPUS="1"
ST_OFFHEAP=""
ST_DRY_RUN=0
ST_SKIP_DOCTOR=0
ST_FRESH=0
ST_DEPLOY_MODE="client"
ST_TUNE=""

st_usage_common() {
  cat <<'USAGE'
Common options:
  --config FILE            job config (HOCON); required
  --output URI             run directory (hdfs: or s3a: on a cluster); train gets --resume, so the same
                           command run again (a scheduler's retry, a YARN re-attempt, a restarted driver)
                           continues the run there from its newest complete checkpoint
  --fresh                  leave --resume out: a run directory that holds a started run is then refused
  --set KEY=VALUE          override a job key (repeatable); tune.* keys set the search's settings
  --tune SPACE.conf        run `sparktrain tune --space SPACE.conf` (a search, trials on the executors)
                           instead of train; with --output it resumes a search there the same way
  --name NAME              Spark application name
  --driver-memory SIZE     driver heap (default 4g)
  --executor-memory SIZE   executor heap (default 4g); ND4J off-heap and memoryOverhead follow from it
  --executor-cores N       cores per executor (default 1)
  --task-cpus N            cores per training task = ND4J threads per task (default 1)
  --offheap SIZE           ND4J off-heap limit per executor (default: the executor heap)
  --deploy-mode MODE       client or cluster (default client)
  --jar PATH               application jar (default target/sparktrain.jar; local:///... names one in the image,
                           and SPARKTRAIN_LOCAL_JAR, default target/sparktrain.jar, is then the one the
                           preflight and the job rendering run on this machine)
  --conf KEY=VALUE         extra Spark setting (repeatable)
  --dry-run                print the commands, run nothing
  --skip-doctor            do not run `sparktrain doctor` before submitting
  -- ARGS                  passed to spark-submit as they are
Secrets (S3 keys, the Spark authentication secret) come from the environment or, on Kubernetes, from
mounted secret files; never from arguments.
USAGE
}

st_die() {
  echo "$(basename "$0"): $*" >&2
  exit 2
}

# Parses the common options; anything else goes to st_script_option, which sets ST_TAKEN (0, 1 or 2).
st_parse_args() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --config) ST_CONFIG="${2:?--config needs a file}"; shift 2 ;;
      --output) ST_OUTPUT="${2:?--output needs a URI}"; shift 2 ;;
      --set) ST_SETS+=("${2:?--set needs KEY=VALUE}"); shift 2 ;;
      --conf) ST_CONFS+=("${2:?--conf needs KEY=VALUE}"); shift 2 ;;
      --name) ST_NAME="${2:?}"; shift 2 ;;
      --driver-memory) ST_DRIVER_MEMORY="${2:?}"; shift 2 ;;
      --executor-memory) ST_EXECUTOR_MEMORY="${2:?}"; shift 2 ;;
      --executor-cores) ST_EXECUTOR_CORES="${2:?}"; shift 2 ;;
      --task-cpus) ST_TASK_CPUS="${2:?}"; shift 2 ;;
      --offheap) ST_OFFHEAP="${2:?}"; shift 2 ;;
      --deploy-mode) ST_DEPLOY_MODE="${2:?}"; shift 2 ;;
      --jar) ST_JAR="${2:?}"; shift 2 ;;
      --dry-run) ST_DRY_RUN=1; shift ;;
      --skip-doctor) ST_SKIP_DOCTOR=1; shift ;;
      --fresh) ST_FRESH=1; shift ;;
      --tune) ST_TUNE="${2:?--tune needs a space file}"; shift 2 ;;
      -h|--help) st_usage; exit 0 ;;
      --) shift; ST_EXTRA+=("$@"); break ;;
      *)
        ST_TAKEN=0
        st_script_option "$@"
        [[ "$ST_TAKEN" -gt 0 ]] || st_die "unknown option '$1' (see --help)"
        shift "$ST_TAKEN" ;;
    esac
  done
  [[ -n "$ST_CONFIG" ]] || st_die "--config FILE is required (see --help)"
  [[ "$ST_DEPLOY_MODE" == client || "$ST_DEPLOY_MODE" == cluster ]] \
    || st_die "--deploy-mode must be client or cluster, found '$ST_DEPLOY_MODE'"
  [[ "$ST_TASK_CPUS" =~ ^[1-9][0-9]*$ ]] || st_die "--task-cpus must be a positive whole number, found '$ST_TASK_CPUS'"
  [[ "$ST_EXECUTOR_CORES" =~ ^[1-9][0-9]*$ ]] || st_die "--executor-cores must be a positive whole number, found '$ST_EXECUTOR_CORES'"
  (( ST_TASK_CPUS <= ST_EXECUTOR_CORES )) || st_die "--task-cpus ($ST_TASK_CPUS) exceeds --executor-cores ($ST_EXECUTOR_CORES)"
  return 0
}

# "4g", "512m", "2048" (MiB) -> MiB
st_mib() {
  local v="${1,,}"
  case "$v" in
    *t) echo $(( ${v%t} * 1024 * 1024 )) ;;
    *g) echo $(( ${v%g} * 1024 )) ;;
    *m) echo "${v%m}" ;;
    ''|*[!0-9]*) st_die "memory size must look like 4g or 4096m, found '$1'" ;;
    *) echo "$v" ;;
  esac
}

# ND4J allocates outside the heap. Per executor: off-heap limit = --offheap (default: the heap);
# physical limit = heap + off-heap + 1 GiB; the container overhead covers off-heap + 1 GiB (JVM, netty).
st_memory_confs() {
  local heap off phys overhead
  heap="$(st_mib "$ST_EXECUTOR_MEMORY")"
  off="$(st_mib "${ST_OFFHEAP:-$ST_EXECUTOR_MEMORY}")"
  phys=$(( heap + off + 1024 ))
  overhead=$(( off + 1024 ))
  local dheap doff
  dheap="$(st_mib "$ST_DRIVER_MEMORY")"
  doff="$dheap"
  ST_MEMORY_CONFS=(
    --conf "spark.executor.memory=${heap}m"
    --conf "spark.executor.memoryOverhead=${overhead}m"
    --conf "spark.executor.extraJavaOptions=-Dorg.bytedeco.javacpp.maxbytes=${off}m -Dorg.bytedeco.javacpp.maxphysicalbytes=${phys}m -Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource"
    --conf "spark.driver.memory=${dheap}m"
    --conf "spark.driver.memoryOverhead=$(( doff + 1024 ))m"
    --conf "spark.driver.extraJavaOptions=-Dorg.bytedeco.javacpp.maxbytes=${doff}m -Dorg.bytedeco.javacpp.maxphysicalbytes=$(( dheap + doff + 1024 ))m -Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource -Dsparktrain.gitCommit=$(git -C "$SPARKTRAIN_HOME" rev-parse HEAD 2>/dev/null || echo unknown)"
  )
}

# The settings every submission needs, from conf/spark-defaults.conf plus threads and memory.
st_base_confs() {
  st_memory_confs
  ST_BASE_CONFS=(
    --conf "spark.serializer=org.apache.spark.serializer.JavaSerializer"
    --conf "spark.ui.showConsoleProgress=false"
    --conf "spark.task.cpus=$ST_TASK_CPUS"
    --conf "spark.executor.cores=$ST_EXECUTOR_CORES"
    # One ND4J (OpenMP) thread per task core, or tasks oversubscribe the executor's cores.
    --conf "spark.executorEnv.OMP_NUM_THREADS=$ST_TASK_CPUS"
    --conf "spark.driver.maxResultSize=2g"
    "${ST_MEMORY_CONFS[@]}"
  )
  local c
  for c in "${ST_CONFS[@]}"; do
    ST_BASE_CONFS+=(--conf "$c")
  done
}

st_local_jar() {
  local jar="$ST_JAR"
  [[ "$jar" == local://* ]] && jar="$ST_LOCAL_JAR"
  [[ "$ST_DRY_RUN" -eq 1 || -f "$jar" ]] \
    || st_die "$jar: no such file; the preflight and the job file are run on this machine with the application jar (mvn -DskipTests package, or SPARKTRAIN_LOCAL_JAR=PATH when --jar names one inside the image)"
  echo "$jar"
}

st_submit_binary() {
  if [[ -n "${SPARK_SUBMIT:-}" ]]; then
    echo "$SPARK_SUBMIT"
  elif [[ -n "${SPARK_HOME:-}" ]]; then
    echo "$SPARK_HOME/bin/spark-submit"
  else
    echo "spark-submit"
  fi
}

# 1 when train gets --resume: with an --output, unless --fresh. Without an --output every run gets a
# new timestamped folder, so there is nothing to continue.
st_resumes() {
  [[ -n "$ST_OUTPUT" && "$ST_FRESH" -eq 0 ]]
}

# The train arguments for the CLI: the job file (as the driver will see it), overrides (unless the
# second argument is "rendered": the job file already holds them), output and --resume.
# Every attempt of a submission runs these same arguments, so a retry continues the run.
st_train_args() {
  local config_for_driver="$1"
  if [[ -n "$ST_TUNE" ]]; then
    ST_TRAIN_ARGS=(tune --config "$config_for_driver" --space "$ST_TUNE")
  else
    ST_TRAIN_ARGS=(train --config "$config_for_driver")
  fi
  local s
  if [[ "${2:-}" != rendered ]]; then
    for s in "${ST_SETS[@]}"; do
      ST_TRAIN_ARGS+=(--set "$s")
    done
  fi
  [[ -n "$ST_OUTPUT" ]] && ST_TRAIN_ARGS+=(--output "$ST_OUTPUT")
  st_resumes && ST_TRAIN_ARGS+=(--resume)
  return 0
}

# Prints a command with each word quoted, one line; values of secret-looking keys are masked.
st_print() {
  local word out=""
  for word in "$@"; do
    if [[ "${word,,}" =~ (secret|password|token|access\.key|accesskey)[^=]*=(.+) ]] \
       && [[ ! "${word,,}" =~ secretkeyref|authenticate=|secret\.file|\.secrets\. ]]; then
      word="${word%%=*}=******"
    fi
    out+=" $(printf '%q' "$word")"
  done
  echo "${out# }"
}

st_run() {
  if [[ "$ST_DRY_RUN" -eq 1 ]]; then
    st_print "$@"
  else
    echo "+ $(st_print "$@")" >&2
    "$@"
  fi
}

# `sparktrain doctor` on the submitting machine, against the target master, before anything is sent.
st_doctor() {
  local master="$1"
  [[ "$ST_SKIP_DOCTOR" -eq 1 ]] && return 0
  local submit
  submit="$(st_submit_binary)"
  # The user's executor settings override the computed ones, so the preflight judges the executors that
  # will be submitted (an undersized spark.executor.memoryOverhead among them); other --conf settings may
  # only make sense on the cluster.
  local confs=() c
  for c in "${ST_CONFS[@]}"; do
    [[ "$c" == spark.executor.* ]] && confs+=(--conf "$c")
  done
  local jar
  jar="$(st_local_jar)" || exit $?
  local args=("$submit" --master "local[1]" --class io.sparktrain.cli.Main
    --conf "spark.ui.enabled=false" "${ST_MEMORY_CONFS[@]}" "${confs[@]}" "$jar" doctor --config "$ST_CONFIG"
    --spark-master "$master" --executor-memory "$ST_EXECUTOR_MEMORY" --offheap "${ST_OFFHEAP:-$ST_EXECUTOR_MEMORY}")
  local s
  for s in "${ST_SETS[@]}"; do
    args+=(--set "$s")
  done
  [[ -n "$ST_OUTPUT" ]] && args+=(--output "$ST_OUTPUT")
  if [[ "$ST_DRY_RUN" -eq 1 ]]; then
    echo "# preflight"
    st_print "${args[@]}"
    echo "# submit"
  else
    echo "+ $(st_print "${args[@]}")" >&2
    "${args[@]}" || { local rc=$?; echo "$(basename "$0"): preflight failed (exit $rc); not submitting. --skip-doctor skips it." >&2; exit "$rc"; }
  fi
}

# For cluster deploy mode: the job as one self-contained file (includes inlined, overrides applied,
# ${?ENV} kept for the cluster to resolve), written next to a temporary path.
st_render_config() {
  local target="$1"
  local submit
  submit="$(st_submit_binary)"
  local jar
  jar="$(st_local_jar)" || exit $?
  local args=("$submit" --master "local[1]" --class io.sparktrain.cli.Main --conf "spark.ui.enabled=false"
    "$jar" config --config "$ST_CONFIG")
  local s
  for s in "${ST_SETS[@]}"; do
    args+=(--set "$s")
  done
  if [[ "$ST_DRY_RUN" -eq 1 ]]; then
    echo "# render the job into one file for the cluster"
    echo "$(st_print "${args[@]}") > $(printf '%q' "$target")"
  else
    "${args[@]}" > "$target" || exit $?
  fi
}
