#!/usr/bin/env bash
# Image entrypoint: Spark on Kubernetes starts pods with `driver ...` or `executor ...`, which go to
# the Spark image's entrypoint; `sparktrain ARGS` runs the CLI in a local JVM (doctor, config,
# train on local[*]); anything else runs as a command.
set -euo pipefail
case "${1:-}" in
  driver|driver-py|driver-r|executor) exec /opt/entrypoint.sh "$@" ;;
  sparktrain)
    shift
    exec "${SPARK_HOME:-/opt/spark}/bin/spark-submit" --master "local[*]" --class io.sparktrain.cli.Main \
      --conf spark.serializer=org.apache.spark.serializer.JavaSerializer \
      --conf "spark.driver.extraJavaOptions=-Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource" \
      /opt/sparktrain/sparktrain.jar "$@" ;;
  "") exec /opt/entrypoint.sh ;;
  *) exec "$@" ;;
esac
