"""Scheduled batch retraining with sparktrain, for Apache Airflow 2 and its Spark provider.

Every day (the schedule is a parameter) the DAG
  1. runs ``sparktrain doctor`` against the cluster (exit 6: preflight failed, no retry helps),
  2. trains with ``SparkSubmitOperator`` into ``{output_root}/{{ ds }}`` with ``--resume``, retried with
     exponential backoff: every retry continues that day's run from its newest complete checkpoint
     (and one that finds the run completed exits 0 at once),
  3. publishes the run with ``sparktrain publish``: the quality gate (test accuracy at least
     ``sparktrain_min_accuracy`` and not below the current champion), then the registry.

Exit codes of the sparktrain CLI (docs: README.md, "Exit codes"), and what the DAG does with them:
  0   success                                   -> next task
  1   unexpected failure                        -> train retried (transient cluster trouble is the usual
                                                   cause); the retry resumes the run
  2   bad config or arguments                   -> train fails at once, no retry: fix the DAG's arguments
                                                   or the job file
  3   bad or unreadable input data              -> train fails at once, no retry: the data needs a person
  4   training diverged and could not recover   -> train fails at once, no retry: see the run's
                                                   summary.json diagnosis
  5   quality gate refused the model            -> publish task is skipped (not failed, not retried);
                                                   the champion stays
  6   preflight failed                          -> doctor fails at once (no retries): cluster, memory or
                                                   credentials
  7   run directory could not be written        -> train retried with backoff; once the storage is back
                                                   the retry resumes from the last complete checkpoint
  8   containers killed for memory              -> train fails at once, no retry: raise
                                                   spark.executor.memoryOverhead (the message says by how much)
  143 stopped by SIGTERM (130: SIGINT)          -> train retried; the run ended at a round boundary and
                                                   the retry resumes it
The train task's operator (``SparktrainSubmitOperator``) reads the code from the Spark provider's
failure ("... Error code is: N."): spark-submit's exit status, which in client deploy mode is the
driver's exit code; on Kubernetes the provider also reports the driver pod's exit code, which is used
when present. 2, 3, 4 and 8 become ``AirflowFailException`` (failed, not retried), any other code is
retried. In cluster deploy mode on YARN or standalone spark-submit only learns that the application
failed (exit 1, or the driver's state), not the code: every failure is then retried like 1, so a 2, 3,
4 or 8 fails each retry the same way (each resuming, the run directory unharmed) before the task fails.
The publish step runs the CLI in a local JVM, where its exit code reaches Airflow as it is.

Connections and Variables: ``spark_default`` (Spark connection: master, deploy mode, queue), and the
Airflow Variables ``sparktrain_jar``, ``sparktrain_config`` (a job file the driver can read, e.g. one
rendered by ``sparktrain config``), ``sparktrain_output_root`` (hdfs: or s3a:),
``sparktrain_registry`` (hdfs: or s3a:) and ``sparktrain_min_accuracy``.
Secrets (S3 keys) never travel as arguments or Variables. The driver and executors take them from the
cluster: instance roles, a credentials file (on Kubernetes mounted from a secret, as submit-k8s.sh
--s3-secret does) or the environment YARN gives containers; S3A's default credential chain reads each.
The publish step runs in the Airflow worker's own environment (``append_env``), where the same chain
reads ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` (or ``AWS_CREDENTIAL_PROFILES_FILE``, or the
worker's role); the Spark connection carries only master, deploy mode and queue. Variables and the run date reach commands as arguments (the Spark provider passes a list,
no shell) or, in the publish step's shell, only through quoted environment variables: a value cannot
become a command.
"""
from __future__ import annotations

import re
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


# The exit codes a retry cannot fix: the same arguments, data and seed fail the same way again.
NOT_RETRIED = {
    2: "bad config or arguments",
    3: "bad or unreadable input data",
    4: "training diverged and could not be recovered",
    8: "containers killed for exceeding their memory",
}


def train_args(config: str = JOB_CONFIG, run_dir: str = RUN_DIR) -> list[str]:
    """The sparktrain CLI arguments of the train step; --resume makes every retry continue the run."""
    return ["train", "--config", config, "--output", run_dir, "--resume"]


def exit_code(failure: str) -> int | None:
    """The sparktrain exit code in the Spark provider's failure message, or None where it names none.

    On Kubernetes the message ends "Error code is: N. Kubernetes spark exit code is: M", M being the
    driver pod's exit code (spark-submit itself may exit 0); elsewhere N is spark-submit's exit status.
    """
    driver = re.search(r"Kubernetes spark exit code is: (\d+)", failure)
    if driver and int(driver.group(1)) != 0:
        return int(driver.group(1))
    submit = re.search(r"Error code is: (-?\d+)", failure)
    return int(submit.group(1)) if submit else None


def train_operator():
    """SparkSubmitOperator whose failures with exit code 2, 3, 4 or 8 are not retried."""
    from airflow.exceptions import AirflowException, AirflowFailException
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    class SparktrainSubmitOperator(SparkSubmitOperator):
        def execute(self, context):
            try:
                return super().execute(context)
            except AirflowFailException:
                raise
            except AirflowException as failure:
                code = exit_code(str(failure))
                if code in NOT_RETRIED:
                    raise AirflowFailException(f"sparktrain exit code {code} ({NOT_RETRIED[code]}): "
                                               "a retry would fail the same way, so there is none") from failure
                raise

    return SparktrainSubmitOperator


def doctor_args(config: str = JOB_CONFIG, run_dir: str = RUN_DIR) -> list[str]:
    """The sparktrain CLI arguments of the preflight step."""
    return ["doctor", "--config", config, "--output", run_dir, "--executor-memory", "4g"]


def publish_args(run_dir: str = RUN_DIR, registry: str = REGISTRY,
                 min_accuracy: str = MIN_ACCURACY) -> list[str]:
    """The sparktrain CLI arguments of the publish step (quality gate, then registry)."""
    return ["publish", "--run", run_dir, "--registry", registry, "--name", MODEL_NAME,
            "--min-accuracy", min_accuracy, "--max-drop", "0.005"]


# The publish step runs in a shell. Templated values (Variables, the run date) reach it only through the
# environment and are quoted there, so a value cannot become a command: "x; rm -rf ~" or "$(...)" in a
# Variable stays one argument of the CLI, which then refuses it as a path.
PUBLISH_ENV = {
    "SPARKTRAIN_JAR": APPLICATION_JAR,
    "SPARKTRAIN_RUN_DIR": RUN_DIR,
    "SPARKTRAIN_REGISTRY": REGISTRY,
    "SPARKTRAIN_MIN_ACCURACY": MIN_ACCURACY,
}


def publish_command() -> str:
    """spark-submit in a local JVM on the Airflow worker: the CLI's own exit code reaches Airflow."""
    args = publish_args('"$SPARKTRAIN_RUN_DIR"', '"$SPARKTRAIN_REGISTRY"', '"$SPARKTRAIN_MIN_ACCURACY"')
    return " ".join(["spark-submit", "--master", "'local[1]'", "--class", "io.sparktrain.cli.Main",
                     '"$SPARKTRAIN_JAR"'] + args)


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
        train = train_operator()(
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
            env=PUBLISH_ENV,
            append_env=True,
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
