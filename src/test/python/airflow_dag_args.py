"""Imports submit-scripts/airflow/sparktrain_retrain.py with a minimal stand-in for Airflow (which
is not installed here), builds the DAG, and prints each task's sparktrain CLI arguments as JSON, with
the templates rendered for one run date. AirflowDagIT runs those arguments through the real CLI.

It also runs the train task with spark-submit failing as the Spark provider reports it, for a list of
exit codes, and prints what each failure became: "retried" (AirflowException: Airflow retries it),
"failed" (AirflowFailException: no retry) or "ok"."""
import importlib.util
import json
import sys
import types

RUN_DATE = "2026-11-27"


class Task:
    def __init__(self, task_id, **kwargs):
        self.task_id = task_id
        self.kwargs = kwargs
        self.downstream = []
        TASKS[task_id] = self

    def __rshift__(self, other):
        self.downstream.append(other.task_id)
        return other


class Dag:
    def __init__(self, **kwargs):
        self.kwargs = kwargs

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class AirflowException(Exception):
    """airflow.exceptions.AirflowException: the task fails and is retried while it has retries."""


class AirflowFailException(AirflowException):
    """airflow.exceptions.AirflowFailException: the task fails without retry."""


class SparkSubmitOperator(Task):
    """The provider's operator, its spark-submit replaced by an exit code (and, on Kubernetes, the
    driver pod's), failing with the message the provider's SparkSubmitHook.submit raises."""
    exit_code = 0
    kubernetes_exit_code = None

    def execute(self, context):
        if self.exit_code == 0 and not self.kubernetes_exit_code:
            return None
        command = "spark-submit --master yarn --class " + self.kwargs["java_class"] + " app.jar train"
        message = f"Cannot execute: {command}. Error code is: {self.exit_code}."
        if self.kubernetes_exit_code is not None:
            message = message[:-1] + f". Kubernetes spark exit code is: {self.kubernetes_exit_code}"
        raise AirflowException(message + "\nLast spark-submit output:\nerror: exit code 9 in a log line")


TASKS = {}
for name in ("airflow", "airflow.exceptions", "airflow.operators", "airflow.operators.bash", "airflow.operators.python",
             "airflow.providers", "airflow.providers.apache", "airflow.providers.apache.spark",
             "airflow.providers.apache.spark.operators", "airflow.providers.apache.spark.operators.spark_submit"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["airflow"].DAG = Dag
sys.modules["airflow.operators.bash"].BashOperator = Task
sys.modules["airflow.exceptions"].AirflowException = AirflowException
sys.modules["airflow.exceptions"].AirflowFailException = AirflowFailException
sys.modules["airflow.providers.apache.spark.operators.spark_submit"].SparkSubmitOperator = SparkSubmitOperator

spec = importlib.util.spec_from_file_location("dag", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
assert module.dag is not None, "the DAG did not build"


def render(value):
    """Airflow's templates, rendered the way a run with the default Variables would."""
    out = value.replace("{{ ds }}", RUN_DATE)
    for var, default in (("sparktrain_config", sys.argv[2]), ("sparktrain_output_root", sys.argv[3]),
                         ("sparktrain_jar", "target/sparktrain.jar"), ("sparktrain_min_accuracy", "0.5"),
                         ("sparktrain_registry", sys.argv[3] + "-registry")):
        start = out.find("{{ var.value.get('" + var + "'")
        while start >= 0:
            end = out.index("}}", start) + 2
            out = out[:start] + default + out[end:]
            start = out.find("{{ var.value.get('" + var + "'")
    return out


result = {"dag": module.dag.kwargs["dag_id"], "order": {}, "tasks": {}}
for task_id, task in TASKS.items():
    result["order"][task_id] = task.downstream
    args = task.kwargs.get("application_args")
    if args is not None:
        result["tasks"][task_id] = {"class": task.kwargs["java_class"], "args": [render(a) for a in args],
                                    "conf": task.kwargs["conf"], "conn_id": task.kwargs["conn_id"]}
    retries = task.kwargs.get("retries", module.dag.kwargs["default_args"]["retries"])
    result["order"][task_id] = {"downstream": task.downstream, "retries": retries}
result["tasks"]["publish"] = {"args": [render(a) for a in module.publish_args()],
                              "skip_on_exit_code": TASKS["publish"].kwargs["skip_on_exit_code"],
                              "command": TASKS["publish"].kwargs["bash_command"]}


def run_publish_command(run_dir):
    """The publish task's command in bash, as BashOperator runs it, with sparktrain_output_root's rendered
    run directory replaced by run_dir and spark-submit by a stub that prints its arguments one per line."""
    import os
    import subprocess
    import tempfile
    stubs = tempfile.mkdtemp()
    with open(os.path.join(stubs, "spark-submit"), "w") as stub:
        stub.write('#!/usr/bin/env bash\nprintf "%s\\n" "$@"\n')
    os.chmod(os.path.join(stubs, "spark-submit"), 0o755)
    task = TASKS["publish"].kwargs
    env = {k: render(v) for k, v in task["env"].items()}
    env["SPARKTRAIN_RUN_DIR"] = run_dir
    shell_env = dict(os.environ) if task.get("append_env") else {}
    shell_env.update(env)
    shell_env["PATH"] = stubs + ":" + os.environ["PATH"]
    done = subprocess.run(["bash", "-c", task["bash_command"]], env=shell_env, capture_output=True, text=True,
                          cwd=stubs)
    return {"argv": done.stdout.splitlines(), "code": done.returncode, "stderr": done.stderr,
            "append_env": bool(task.get("append_env")), "cwd": stubs}


import os
marker = os.path.join(sys.argv[3], "injected")
hostile = "hdfs:///runs/x; touch " + marker + " $(touch " + marker + ") `touch " + marker + "`"
result["publish_shell"] = run_publish_command(hostile)
result["publish_shell"]["hostile"] = hostile
result["publish_shell"]["marker_created"] = os.path.exists(marker)


def outcome(task, exit_code, kubernetes_exit_code=None):
    """What the task's execute does when spark-submit exits with exit_code."""
    task.exit_code = exit_code
    task.kubernetes_exit_code = kubernetes_exit_code
    try:
        task.execute({})
        return "ok"
    except AirflowFailException:
        return "failed"
    except AirflowException:
        return "retried"


train = TASKS["train"]
result["train_failures"] = {str(code): outcome(train, code) for code in (0, 1, 2, 3, 4, 7, 8, 130, 143)}
# On Kubernetes spark-submit may exit 0 while the driver pod exited with the code.
result["train_failures_kubernetes"] = {str(code): outcome(train, 0, code) for code in (1, 3, 8, 143)}
print(json.dumps(result))
