#!/usr/bin/env bash
# Submits a sparktrain job to Kubernetes (cluster deploy mode: driver and executors are pods running
# the image built from docker/Dockerfile or docker/Dockerfile.gpu).
#   submit-scripts/submit-k8s.sh --master k8s://https://API:6443 --image REPO/sparktrain:TAG \
#     --namespace ml --service-account sparktrain --config conf/fashion-mnist.conf \
#     --output s3a://bucket/runs/fmnist --upload-path s3a://bucket/spark-upload [--gpus 1] [--s3-secret NAME]
# Secrets reach the pods as files mounted from Kubernetes secrets, never as environment values (anyone who
# may read a pod's spec would read those): the Spark authentication secret (--auth-secret, used by
# spark.authenticate with RPC and I/O encryption on) and the S3 keys (--s3-secret, an AWS credentials file).
# For the Spark operator, see submit-scripts/k8s/sparktrain-sparkapplication.yaml instead.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
ST_DEPLOY_MODE="cluster"
ST_JAR="${SPARKTRAIN_JAR:-local:///opt/sparktrain/sparktrain.jar}"
MASTER=""
IMAGE=""
NAMESPACE="default"
SERVICE_ACCOUNT="sparktrain"
EXECUTORS="2"
GPUS="0"
UPLOAD_PATH=""
S3_SECRET=""
AUTH_SECRET="sparktrain-auth"
K8S_DIR="$SPARKTRAIN_HOME/submit-scripts/k8s"

st_usage() {
  echo "Usage: $(basename "$0") --master k8s://https://HOST:PORT --image IMAGE --config FILE [options]"
  echo "  --master URL             the Kubernetes API server as k8s://https://HOST:PORT; required"
  echo "  --image IMAGE            driver and executor image; required"
  echo "  --namespace NS           namespace (default default)"
  echo "  --service-account NAME   driver service account (default sparktrain)"
  echo "  --executors N            executor pods (default 2)"
  echo "  --gpus N                 NVIDIA GPUs per executor (default 0; needs the GPU image)"
  echo "  --upload-path URI        hdfs:/s3a: folder Spark uploads the rendered job file to"
  echo "  --auth-secret NAME       Kubernetes secret whose key 'secret' is Spark's authentication secret, mounted"
  echo "                           as a file in the driver and executors (default sparktrain-auth):"
  echo "                           kubectl create secret generic sparktrain-auth --from-literal=secret=\$(openssl rand -hex 32)"
  echo "  --s3-secret NAME         Kubernetes secret whose key 'credentials' is an AWS credentials file for s3a:"
  echo "                           ([default] aws_access_key_id = ..., aws_secret_access_key = ...), mounted as a file"
  echo "  A --config of the form local:///path names a job file inside the image and is used as it is."
  echo "  Spark does not restart a failed driver pod; the same command run again continues the run (--resume)."
  st_usage_common
}

st_script_option() {
  case "$1" in
    --master) MASTER="${2:?}"; ST_TAKEN=2 ;;
    --image) IMAGE="${2:?}"; ST_TAKEN=2 ;;
    --namespace) NAMESPACE="${2:?}"; ST_TAKEN=2 ;;
    --service-account) SERVICE_ACCOUNT="${2:?}"; ST_TAKEN=2 ;;
    --executors) EXECUTORS="${2:?}"; ST_TAKEN=2 ;;
    --gpus) GPUS="${2:?}"; ST_TAKEN=2 ;;
    --upload-path) UPLOAD_PATH="${2:?}"; ST_TAKEN=2 ;;
    --s3-secret) S3_SECRET="${2:?}"; ST_TAKEN=2 ;;
    --auth-secret) AUTH_SECRET="${2:?}"; ST_TAKEN=2 ;;
  esac
}

st_parse_args "$@"
[[ "$MASTER" == k8s://* ]] || st_die "--master must be k8s://https://HOST:PORT, found '${MASTER:-nothing}'"
[[ -n "$IMAGE" ]] || st_die "--image is required: the image built from docker/Dockerfile (or Dockerfile.gpu)"
[[ "$GPUS" =~ ^[0-9]+$ ]] || st_die "--gpus must be a whole number, found '$GPUS'"
[[ "$ST_DEPLOY_MODE" == cluster ]] || st_die "on Kubernetes sparktrain runs in cluster deploy mode"
if [[ -n "$ST_OUTPUT" && "$ST_OUTPUT" != *://* ]]; then
  st_die "--output $ST_OUTPUT is a local path inside the driver pod: use an s3a: or hdfs: URI"
fi
st_base_confs
st_doctor "$MASTER"

K8S=(--conf "spark.kubernetes.container.image=$IMAGE"
  --conf "spark.kubernetes.namespace=$NAMESPACE"
  --conf "spark.kubernetes.authenticate.driver.serviceAccountName=$SERVICE_ACCOUNT"
  --conf "spark.kubernetes.driver.podTemplateFile=$K8S_DIR/driver-pod-template.yaml"
  --conf "spark.kubernetes.executor.podTemplateFile=$K8S_DIR/executor-pod-template.yaml"
  --conf "spark.executor.instances=$EXECUTORS"
  --conf spark.authenticate=true --conf spark.network.crypto.enabled=true --conf spark.io.encryption.enabled=true
  # Without a secret file Spark hands the secret it generates to executors as an environment value.
  --conf "spark.authenticate.secret.file=/mnt/secrets/spark-auth/secret"
  --conf "spark.kubernetes.driver.secrets.$AUTH_SECRET=/mnt/secrets/spark-auth"
  --conf "spark.kubernetes.executor.secrets.$AUTH_SECRET=/mnt/secrets/spark-auth")
if (( GPUS > 0 )); then
  K8S+=(--conf "spark.executor.resource.gpu.amount=$GPUS"
    --conf "spark.executor.resource.gpu.vendor=nvidia.com"
    --conf "spark.executor.resource.gpu.discoveryScript=/opt/sparktrain/getGpusResources.sh"
    --conf "spark.task.resource.gpu.amount=1")
fi
if [[ -n "$S3_SECRET" ]]; then
  # The AWS SDK reads the mounted credentials file; only its path is in the environment.
  K8S+=(--conf "spark.kubernetes.driver.secrets.$S3_SECRET=/mnt/secrets/s3"
    --conf "spark.kubernetes.executor.secrets.$S3_SECRET=/mnt/secrets/s3"
    --conf "spark.kubernetes.driverEnv.AWS_CREDENTIAL_PROFILES_FILE=/mnt/secrets/s3/credentials"
    --conf "spark.executorEnv.AWS_CREDENTIAL_PROFILES_FILE=/mnt/secrets/s3/credentials"
    --conf "spark.hadoop.fs.s3a.aws.credentials.provider=com.amazonaws.auth.profile.ProfileCredentialsProvider")
fi

FILES=()
if [[ "$ST_CONFIG" == local://* ]]; then
  st_train_args "${ST_CONFIG#local://}"
else
  [[ -n "$UPLOAD_PATH" ]] || st_die "--upload-path is required to ship $ST_CONFIG to the driver pod (or give --config local:///path/in/image.conf)"
  JOB_FILE="$(mktemp -d)/sparktrain-job.conf"
  st_render_config "$JOB_FILE"
  FILES=(--files "$JOB_FILE" --conf "spark.kubernetes.file.upload.path=$UPLOAD_PATH")
  st_train_args sparktrain-job.conf rendered
fi
st_run "$(st_submit_binary)" --master "$MASTER" --deploy-mode cluster --class io.sparktrain.cli.Main \
  ${ST_NAME:+--name "$ST_NAME"} "${K8S[@]}" "${FILES[@]}" "${ST_BASE_CONFS[@]}" "${ST_EXTRA[@]}" \
  "$ST_JAR" "${ST_TRAIN_ARGS[@]}"
