#!/usr/bin/env bash
# Image entrypoint: Spark on Kubernetes starts pods with `driver ...` or `executor ...`, which go to
# the Spark image's entrypoint; `sparktrain ARGS` runs the CLI in a local JVM (doctor, config,
# train on local[*]); anything else runs as a command.
set -euo pipefail
# The Spark image's entrypoint (SPARK_ENTRYPOINT only replaces it in the tests).
SPARK_ENTRYPOINT="${SPARK_ENTRYPOINT:-/opt/entrypoint.sh}"
case "${1:-}" in
  driver|driver-py|driver-r|executor) exec "$SPARK_ENTRYPOINT" "$@" ;;
  sparktrain)
    shift
    exec "${SPARK_HOME:-/opt/spark}/bin/spark-submit" --master "local[*]" --class io.sparktrain.cli.Main \
      --conf spark.serializer=org.apache.spark.serializer.JavaSerializer \
      --conf "spark.driver.extraJavaOptions=-Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource" \
      /opt/sparktrain/sparktrain.jar "$@" ;;
  "") exec "$SPARK_ENTRYPOINT" ;;
  *) exec "$@" ;;
esac
