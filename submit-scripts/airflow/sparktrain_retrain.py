"""Scheduled batch retraining with sparktrain, for Apache Airflow 2 and its Spark provider.

Every day (the schedule is a parameter) the DAG
  1. runs ``sparktrain doctor`` against the cluster (exit 6: preflight failed, no retry helps),
  2. trains with ``SparkSubmitOperator`` into ``{output_root}/{{ ds }}``, retried with exponential backoff,
  3. publishes the run with ``sparktrain publish``: the quality gate (test accuracy at least
     ``sparktrain_min_accuracy`` and not below the current champion), then the registry.

Exit codes of the sparktrain CLI (docs: README.md, "Exit codes"), and what the DAG does with them:
  0 success                                   -> next task
  1 unexpected failure                        -> retried (transient cluster trouble is the usual cause)
  2 bad config or arguments                   -> fails at once: fix the DAG's arguments or the job file
  3 bad or unreadable input data              -> fails at once: the data needs a person
  4 training diverged and could not recover   -> fails at once: see the run's summary.json diagnosis
  5 quality gate refused the model            -> publish task is skipped (not failed, not retried);
                                                 the champion stays
  6 preflight failed                          -> fails at once: cluster, memory or credentials
The Spark provider's operator only sees spark-submit's exit status, so the train task retries on any
failure; the publish step runs the CLI in a local JVM, where its exit code reaches Airflow as it is.

Connections and Variables: ``spark_default`` (Spark connection: master, deploy mode, queue), and the
Airflow Variables ``sparktrain_jar``, ``sparktrain_config`` (a job file the driver can read, e.g. one
rendered by ``sparktrain config``), ``sparktrain_output_root`` (hdfs: or s3a:),
``sparktrain_registry`` (hdfs: or s3a:) and ``sparktrain_min_accuracy``.
Secrets (S3 keys) come from the Spark connection's extras or the cluster's environment, never from
arguments.
"""
from __future__ import annotations

from datetime import datetime, timedelta

SPARK_CONN_ID = "spark_default"
APPLICATION_JAR = "{{ var.value.get('sparktrain_jar', '/opt/sparktrain/sparktrain.jar') }}"
JOB_CONFIG = "{{ var.value.get('sparktrain_config', '/opt/sparktrain/conf/fashion-mnist.conf') }}"
OUTPUT_ROOT = "{{ var.value.get('sparktrain_output_root', 'hdfs:///sparktrain/runs/fashion-mnist') }}"
MIN_ACCURACY = "{{ var.value.get('sparktrain_min_accuracy', '0.85') }}"
REGISTRY = "{{ var.value.get('sparktrain_registry', 'hdfs:///sparktrain/registry') }}"
MODEL_NAME = "fashion-mnist"
RUN_DIR = OUTPUT_ROOT + "/{{ ds }}"

# The settings every sparktrain submission needs (see submit-scripts/lib/common.sh for the sizing rule:
# off-heap = executor heap, physical = heap + off-heap + 1 GiB, overhead = off-heap + 1 GiB).
SPARK_CONF = {
    "spark.serializer": "org.apache.spark.serializer.JavaSerializer",
    "spark.task.cpus": "1",
    "spark.executorEnv.OMP_NUM_THREADS": "1",
    "spark.executor.memory": "4096m",
    "spark.executor.memoryOverhead": "5120m",
    "spark.executor.extraJavaOptions": (
        "-Dorg.bytedeco.javacpp.maxbytes=4096m -Dorg.bytedeco.javacpp.maxphysicalbytes=9216m "
        "-Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource"),
    "spark.driver.extraJavaOptions": (
        "-Dorg.bytedeco.javacpp.maxbytes=4096m -Dorg.bytedeco.javacpp.maxphysicalbytes=9216m "
        "-Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource"),
    "spark.authenticate": "true",
    "spark.network.crypto.enabled": "true",
}


def train_args(config: str = JOB_CONFIG, run_dir: str = RUN_DIR) -> list[str]:
    """The sparktrain CLI arguments of the train step."""
    return ["train", "--config", config, "--output", run_dir]


def doctor_args(config: str = JOB_CONFIG, run_dir: str = RUN_DIR) -> list[str]:
    """The sparktrain CLI arguments of the preflight step."""
    return ["doctor", "--config", config, "--output", run_dir, "--executor-memory", "4g"]


def publish_args(run_dir: str = RUN_DIR, registry: str = REGISTRY,
                 min_accuracy: str = MIN_ACCURACY) -> list[str]:
    """The sparktrain CLI arguments of the publish step (quality gate, then registry)."""
    return ["publish", "--run", run_dir, "--registry", registry, "--name", MODEL_NAME,
            "--min-accuracy", min_accuracy, "--max-drop", "0.005"]


def publish_command() -> str:
    """spark-submit in a local JVM on the Airflow worker: the CLI's own exit code reaches Airflow."""
    import shlex

    return " ".join(["spark-submit", "--master", "local[1]", "--class", "io.sparktrain.cli.Main",
                     APPLICATION_JAR] + [shlex.quote(a) if "{{" not in a else a for a in publish_args()])


def build_dag():
    from airflow import DAG
    from airflow.operators.bash import BashOperator
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    default_args = {
        "owner": "ml-platform",
        "retries": 3,
        "retry_delay": timedelta(minutes=5),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(hours=1),
    }
    with DAG(
        dag_id="sparktrain_retrain",
        description="Daily retraining with sparktrain; publishes only what passes the quality gate",
        schedule="@daily",
        start_date=datetime(2026, 1, 1),
        catchup=False,
        max_active_runs=1,
        default_args=default_args,
        tags=["sparktrain", "ml"],
    ) as dag:
        doctor = SparkSubmitOperator(
            task_id="doctor",
            conn_id=SPARK_CONN_ID,
            application=APPLICATION_JAR,
            java_class="io.sparktrain.cli.Main",
            conf=SPARK_CONF,
            application_args=doctor_args(),
            retries=0,
        )
        train = SparkSubmitOperator(
            task_id="train",
            conn_id=SPARK_CONN_ID,
            application=APPLICATION_JAR,
            java_class="io.sparktrain.cli.Main",
            name="sparktrain-retrain-{{ ds }}",
            conf=SPARK_CONF,
            application_args=train_args(),
            execution_timeout=timedelta(hours=6),
        )
        publish = BashOperator(
            task_id="publish",
            bash_command=publish_command(),
            # Exit code 5: the quality gate refused the model. That is an answer, not a failure:
            # the task is skipped, the champion stays, nothing is retried.
            skip_on_exit_code=5,
            retries=2,
        )
        doctor >> train >> publish
    return dag


try:
    dag = build_dag()
except ImportError:  # Airflow is not installed here: the module still imports for tests and tooling.
    dag = None
