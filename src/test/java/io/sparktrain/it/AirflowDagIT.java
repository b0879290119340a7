package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.sparktrain.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Airflow DAG compiles, the CLI arguments it builds are ones the real CLI accepts, and its train step
 * retries what a retry can fix.
 */
class AirflowDagIT {
  static final String DAG = "submit-scripts/airflow/sparktrain_retrain.py";

  @TempDir
  Path dir;

  static String run(List<String> command, int... expectedCodes) throws Exception {
    Processes.Result r = Processes.run(command, java.util.Map.of(), 5);
    assertThat(r.code()).as(String.join(" ", command) + "\n" + r.out())
        .isIn(java.util.Arrays.stream(expectedCodes).boxed().toArray());
    return r.out();
  }

  @Test
  void dag_compiles() throws Exception {
    run(List.of("python3", "-m", "py_compile", DAG), 0);
  }

  /** The DAG as src/test/python/airflow_dag_args.py builds it with the stand-in Airflow, as JSON. */
  private JsonNode dag() throws Exception {
    String json = run(List.of("python3", "src/test/python/airflow_dag_args.py", DAG,
        "conf/fashion-mnist-sample.conf", dir.resolve("runs").toString()), 0);
    return new ObjectMapper().readTree(json.lines().reduce((a, b) -> b).orElseThrow());
  }

  @Test
  void dag_argumentsAreAcceptedByTheCli() throws Exception {
    JsonNode dag = dag();
    assertThat(dag.get("dag").asText()).isEqualTo("sparktrain_retrain");
    assertThat(dag.at("/order/doctor/downstream/0").asText()).isEqualTo("train");
    assertThat(dag.at("/order/train/downstream/0").asText()).isEqualTo("publish");
    assertThat(dag.at("/tasks/publish/skip_on_exit_code").asInt()).as("exit code 5 = gate refused").isEqualTo(5);
    assertThat(dag.at("/order/train/retries").asInt()).isPositive();

    JsonNode train = dag.at("/tasks/train");
    assertThat(train.get("class").asText()).isEqualTo("io.sparktrain.cli.Main");
    assertThat(train.at("/conf/spark.executorEnv.OMP_NUM_THREADS").asText()).isEqualTo("1");
    List<String> trainArgs = args(train);
    assertThat(trainArgs).as("every retry continues the day's run")
        .endsWith("--output", dir.resolve("runs").resolve("2026-11-27").toString(), "--resume");
    List<String> dryRun = new ArrayList<>(List.of("bin/sparktrain"));
    dryRun.addAll(trainArgs);
    dryRun.add("--dry-run");
    assertThat(run(dryRun, 0)).contains("dry run: job fashion-mnist-sample is valid");

    List<String> doctor = new ArrayList<>(List.of("bin/sparktrain"));
    doctor.addAll(args(dag.at("/tasks/doctor")));
    // The doctor's arguments parse (exit 2 would mean they do not); without the DAG's spark.* settings in
    // this JVM its memory check may fail (exit 6), which is the check doing its job.
    assertThat(run(doctor, 0, 6)).contains("preflight").contains("input").contains("4 paths readable");

    List<String> publish = new ArrayList<>(List.of("bin/sparktrain"));
    publish.addAll(args(dag.at("/tasks/publish")));
    publish.add("--help");
    assertThat(run(publish, 0)).contains("--min-accuracy");
  }

  @Test
  void publishShell_aHostileVariableStaysOneArgument_noCommandRuns() throws Exception {
    JsonNode shell = dag().get("publish_shell");
    assertThat(shell.get("code").asInt()).as(shell.toString()).isZero();
    assertThat(shell.get("append_env").asBoolean()).as("the worker's environment (PATH, JAVA_HOME) is kept").isTrue();
    List<String> argv = new ArrayList<>();
    shell.get("argv").forEach(a -> argv.add(a.asText()));
    String hostile = shell.get("hostile").asText();
    assertThat(argv).containsSubsequence("publish", "--run", hostile, "--registry");
    assertThat(argv.get(argv.indexOf("--run") + 1)).isEqualTo(hostile);
    assertThat(argv).contains("target/sparktrain.jar", "--min-accuracy", "0.5").contains("local[1]");
    assertThat(shell.get("marker_created").asBoolean()).as("no command in the Variable ran").isFalse();
  }

  @Test
  void dag_trainFailure_exitCodes2To4And8FailWithoutRetry() throws Exception {
    JsonNode dag = dag();
    assertThat(outcomes(dag.get("train_failures"))).as("spark-submit's exit code -> what the task does")
        .isEqualTo(Map.of("0", "ok", "1", "retried", "2", "failed", "3", "failed", "4", "failed",
            "7", "retried", "8", "failed", "130", "retried", "143", "retried"));
    assertThat(outcomes(dag.get("train_failures_kubernetes"))).as("the driver pod's exit code on Kubernetes")
        .isEqualTo(Map.of("1", "retried", "3", "failed", "8", "failed", "143", "retried"));
  }

  private static Map<String, String> outcomes(JsonNode byCode) {
    Map<String, String> out = new TreeMap<>();
    byCode.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static List<String> args(JsonNode task) {
    List<String> out = new ArrayList<>();
    task.get("args").forEach(a -> out.add(a.asText()));
    return out;
  }
}
