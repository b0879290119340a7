"""Imports submit-scripts/airflow/sparktrain_retrain.py with a minimal stand-in for Airflow (which
is not installed here), builds the DAG, and prints each task's sparktrain CLI arguments as JSON, with
the templates rendered for one run date. AirflowDagIT runs those arguments through the real CLI."""
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


TASKS = {}
for name in ("airflow", "airflow.operators", "airflow.operators.bash", "airflow.operators.python",
             "airflow.providers", "airflow.providers.apache", "airflow.providers.apache.spark",
             "airflow.providers.apache.spark.operators", "airflow.providers.apache.spark.operators.spark_submit"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["airflow"].DAG = Dag
sys.modules["airflow.operators.bash"].BashOperator = Task
sys.modules["airflow.providers.apache.spark.operators.spark_submit"].SparkSubmitOperator = Task

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
print(json.dumps(result))
