package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import io.sparktrain.report.schema.MetricsLine;
import io.sparktrain.testing.SparkHome;
import io.sparktrain.report.schema.RunJson;
import io.sparktrain.report.schema.SummaryFile;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Spark standalone cluster of separate JVMs on loopback (a Master and two Workers started from
 * Spark's jars, with authentication on), and the sample job submitted to it through
 * submit-scripts/submit-standalone.sh with the shaded jar: proof that serialization, the class path and
 * the native libraries work across processes. Then the faults a cluster run meets, with the run
 * directory and the exported minibatches on a real HDFS (MiniDFSCluster in this JVM, which the
 * executors reach over loopback): an executor JVM killed (SIGKILL) in the middle of an epoch, and the
 * driver killed in the middle of an epoch and the same submission run again, which resumes. Each ends
 * with the parameters of the undisturbed run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  static final Path BASE = Path.of("target", "standalone-cluster").toAbsolutePath();
  static final Path SPARK_HOME = BASE.resolve("spark-home");
  static final String SECRET = UUID.randomUUID().toString();
  static final List<Process> DAEMONS = new ArrayList<>();
  static int masterPort;
  static int masterUiPort;
  static MiniDFSCluster hdfsCluster;
  static String hdfs;
  static FileSystem fs;

  @BeforeAll
  static void startCluster() throws Exception {
    Files.createDirectories(BASE);
    hdfsCluster = io.sparktrain.testing.Hdfs.start(BASE.resolve("hdfs-" + UUID.randomUUID()));
    hdfs = "hdfs://127.0.0.1:" + hdfsCluster.getNameNodePort();
    fs = hdfsCluster.getFileSystem();
    SparkHome.make(SPARK_HOME);
    masterPort = freePort();
    masterUiPort = freePort();
    DAEMONS.add(daemon("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
        "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(masterUiPort))));
    waitFor(() -> aliveWorkers() >= 0, "the master's web UI on port " + masterUiPort);
    for (int i = 1; i <= 2; i++) {
      DAEMONS.add(daemon("worker" + i, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
          "--cores", "1", "--memory", "4g", "--webui-port", Integer.toString(freePort()),
          "--work-dir", BASE.resolve("work" + i).toString(), "spark://127.0.0.1:" + masterPort)));
    }
    waitFor(() -> aliveWorkers() == 2, "two workers registered with the master");
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
    if (hdfsCluster != null) {
      hdfsCluster.shutdown();
    }
    for (Process p : DAEMONS) {
      p.destroy();
    }
    for (Process p : DAEMONS) {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
  }

  @Test
  @Order(1)
  void sampleJob_trainsOnTwoExecutorsOfAStandaloneCluster() throws Exception {
    Path run = BASE.resolve("run-" + System.currentTimeMillis());
    ProcessBuilder pb = new ProcessBuilder("submit-scripts/submit-standalone.sh",
        "--master", "spark://127.0.0.1:" + masterPort, "--config", "conf/fashion-mnist-sample.conf",
        "--output", run.toString(), "--executor-memory", "2g", "--executor-cores", "1",
        "--total-executor-cores", "2", "--driver-memory", "2g", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.driver.host=127.0.0.1")
        .redirectErrorStream(true)
        .redirectOutput(BASE.resolve("submit.log").toFile());
    pb.environment().put("SPARK_HOME", SPARK_HOME.toString());
    pb.environment().put("SPARKTRAIN_AUTH_SECRET", SECRET);
    Process submit = pb.start();
    assertThat(submit.waitFor(15, TimeUnit.MINUTES)).isTrue();
    String log = Files.readString(BASE.resolve("submit.log"));
    assertThat(submit.exitValue()).as(log).isZero();
    assertThat(log).contains("preflight passed").contains("master spark://127.0.0.1:" + masterPort)
        .contains("train.approach = direct").doesNotContain(SECRET);

    JsonNode s = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    assertThat(s.at("/spark/master").asText()).isEqualTo("spark://127.0.0.1:" + masterPort);
    assertThat(s.at("/spark/defaultParallelism").asInt()).isEqualTo(2);
    assertThat(s.at("/test/accuracy").asDouble()).isGreaterThanOrEqualTo(0.80);
    assertThat(run.resolve("model.zip")).isRegularFile();
    // Both executors ran tasks: each worker's work folder holds this application's executor.
    for (int i = 1; i <= 2; i++) {
      try (var apps = Files.list(BASE.resolve("work" + i))) {
        assertThat(apps.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("app-"));
      }
    }
  }

  /** 3,000 sample images, 3 epochs, exported to HDFS; run directory on HDFS. */
  static List<String> faultJob(String run) {
    return List.of("submit-scripts/submit-standalone.sh", "--master", "spark://127.0.0.1:" + masterPort, "--config",
        "conf/fashion-mnist-sample.conf", "--output", hdfs + "/runs/" + run, "--set", "data.trainPerClass=300",
        "--set", "train.epochs=3", "--set", "checkpoint.everyRounds=2",
        // Tasks of 20 minibatches (about half a second each here) are long enough for a kill to land inside one.
        "--set", "train.averagingFrequency=20", "--set",
        "train.exportDirectory=" + hdfs + "/export", "--executor-memory", "2g", "--executor-cores", "1",
        "--total-executor-cores", "2", "--driver-memory", "2g", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.driver.host=127.0.0.1", "--skip-doctor");
  }

  static Process submit(List<String> command, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("SPARK_HOME", SPARK_HOME.toString());
    pb.environment().put("SPARKTRAIN_AUTH_SECRET", SECRET);
    return pb.start();
  }

  static int finish(Process p, Path log) throws Exception {
    return io.sparktrain.testing.Processes.finish(p, log, 15);
  }

  static String text(String uri) throws IOException {
    return io.sparktrain.testing.Hdfs.text(fs, uri);
  }

  static SummaryFile summary(String run) throws IOException {
    return RunJson.summary(text(hdfs + "/runs/" + run + "/summary.json"), run);
  }

  static INDArray params(String run) throws IOException {
    try (var in = fs.open(new org.apache.hadoop.fs.Path(hdfs + "/runs/" + run + "/model.zip"))) {
      return ModelSerializer.restoreMultiLayerNetwork(in, false).params();
    }
  }

  /** Waits until the run's metrics.jsonl shows an epoch-1 line and a round of epoch 2 has had time to start. */
  static void midEpochTwo(Process p, String run, Path log) throws Exception {
    org.apache.hadoop.fs.Path metrics = new org.apache.hadoop.fs.Path(hdfs + "/runs/" + run + "/metrics.jsonl");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (true) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("epoch 1 never ended: " + Files.readString(log));
      }
      if (fs.exists(metrics) && text(metrics.toString()).contains("\"type\":\"epoch\",\"epoch\":1,")) {
        break;
      }
      Thread.sleep(300);
    }
    Thread.sleep(1000);
  }

  /**
   * Waits until the run's checkpoint pointer (LATEST, written after the checkpoint it names) lists a
   * checkpoint within epoch 2 after one of its rounds (checkpoint-0002-00000 is the end of epoch 1): a
   * resume then starts in the middle of epoch 2.
   */
  static final java.util.regex.Pattern MID_EPOCH_TWO = java.util.regex.Pattern.compile("checkpoint-0002-0*[1-9]");

  static void checkpointInEpochTwo(Process p, String run, Path log) throws Exception {
    org.apache.hadoop.fs.Path latest = new org.apache.hadoop.fs.Path(hdfs + "/runs/" + run + "/checkpoints/LATEST");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (true) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("no checkpoint in epoch 2: " + Files.readString(log));
      }
      try {
        if (fs.exists(latest) && MID_EPOCH_TWO.matcher(text(latest.toString())).find()) {
          return;
        }
      } catch (IOException replacedWhileRead) {
        // LATEST is replaced by a rename; look again
      }
      Thread.sleep(100);
    }
  }

  /**
   * An executor JVM of the cluster's workers in the middle of a task: its CPU time grows by most of the
   * wall time between two looks (between rounds the executors wait for the driver's averaging).
   */
  static ProcessHandle busyExecutor() throws InterruptedException {
    List<ProcessHandle> executors = ProcessHandle.allProcesses()
        .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
        .filter(h -> h.parent().map(w -> DAEMONS.stream().anyMatch(d -> d.pid() == w.pid())).orElse(false))
        .toList();
    assertThat(executors).as("executor JVMs of the cluster's workers").isNotEmpty();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      for (ProcessHandle e : executors) {
        long before = cpuMillis(e);
        Thread.sleep(150);
        if (cpuMillis(e) - before > 120) {
          return e;
        }
      }
    }
    throw new AssertionError("no executor was ever busy");
  }

  static long cpuMillis(ProcessHandle h) {
    return h.info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(0L);
  }

  static INDArray baseline;
  static double baselineAccuracy;
  static double baselineSeconds;

  /** The figures docs/RELIABILITY.md collects (bench/reliability.sh), one line per faulted run. */
  static void figures(String fault, int lostRounds, double lostSeconds, double faultToEnd, SummaryFile s, double diff) {
    System.out.printf(java.util.Locale.ROOT, "reliability: fault=%s lostRounds=%d lostSeconds=%.1f "
        + "faultToEndSeconds=%.1f baselineSeconds=%.1f accuracy=%.4f baselineAccuracy=%.4f maxParameterDifference=%.3g%n",
        fault, lostRounds, lostSeconds, faultToEnd, baselineSeconds, s.test().accuracy(), baselineAccuracy, diff);
  }

  @Test
  @Order(2)
  void undisturbed_onHdfs_isTheBaseline() throws Exception {
    Path log = BASE.resolve("baseline.log");
    long t0 = System.nanoTime();
    assertThat(finish(submit(faultJob("baseline"), log), log)).as(Files.readString(log)).isZero();
    baselineSeconds = (System.nanoTime() - t0) / 1e9;
    SummaryFile s = summary("baseline");
    baselineAccuracy = s.test().accuracy();
    baseline = params("baseline");
    assertThat(baselineAccuracy).isGreaterThan(0.7);
    assertThat(s.reliability().faults().executorsLost()).isEmpty();
    assertThat(fs.listStatus(new org.apache.hadoop.fs.Path(hdfs + "/export"))).as("export folder removed").isEmpty();
  }

  @Test
  @Order(3)
  void executorKilledMidEpoch_runCompletes_sameParameters_lostTimeInSummary_roundsNotInflated() throws Exception {
    Path log = BASE.resolve("executor-kill.log");
    Process p = submit(faultJob("executor-kill"), log);
    midEpochTwo(p, "executor-kill", log);
    ProcessHandle executor = busyExecutor();
    assertThat(executor.destroyForcibly()).isTrue();
    long killed = System.nanoTime();
    assertThat(finish(p, log)).as(Files.readString(log)).isZero();
    SummaryFile s = summary("executor-kill");
    double diff = params("executor-kill").sub(baseline).amaxNumber().doubleValue();
    figures("executor SIGKILL mid-epoch", 0, s.reliability().faults().lostTaskSeconds(),
        (System.nanoTime() - killed) / 1e9, s, diff);
    assertThat(s.reliability().faults().executorsLost()).as(Files.readString(log)).isNotEmpty();
    assertThat(s.reliability().faults().failedTasks()).isPositive();
    assertThat(s.reliability().faults().lostTaskSeconds()).isPositive();
    assertThat(Math.abs(s.test().accuracy() - baselineAccuracy)).as("accuracy against the undisturbed run")
        .isLessThanOrEqualTo(0.01);
    assertThat(diff).as("largest parameter difference").isLessThanOrEqualTo(1e-6);
    // Every epoch fitted each training example once: a retried task's work is not counted twice.
    List<MetricsLine> lines = RunJson.metrics(text(hdfs + "/runs/executor-kill/metrics.jsonl"), "metrics.jsonl");
    for (int epoch = 1; epoch <= 3; epoch++) {
      final int e = epoch;
      long examples = lines.stream().filter(l -> l instanceof MetricsLine.Round r && r.epoch() == e)
          .mapToLong(l -> ((MetricsLine.Round) l).examples()).sum();
      assertThat(examples).as("examples fitted in epoch %d", epoch).isEqualTo(s.data().sizes().train());
    }
  }

  @Test
  @Order(4)
  void driverKilledMidEpoch_theSameSubmissionAgainResumes_sameParameters() throws Exception {
    Path log = BASE.resolve("driver-kill.log");
    Process p = submit(faultJob("driver-kill"), log);
    checkpointInEpochTwo(p, "driver-kill", log);
    ProcessHandle driver = p.descendants().filter(h -> h.info().commandLine().orElse("").contains("SparkSubmit"))
        .findFirst().orElseThrow(() -> new AssertionError("no driver JVM under the submission"));
    long killed = System.nanoTime();
    driver.destroyForcibly();
    finish(p, log);
    assertThat(fs.exists(new org.apache.hadoop.fs.Path(hdfs + "/runs/driver-kill/model.zip"))).isFalse();
    Process again = submit(faultJob("driver-kill"), log);
    assertThat(finish(again, log)).as(Files.readString(log)).isZero();
    double recoverSeconds = (System.nanoTime() - killed) / 1e9;
    SummaryFile s = summary("driver-kill");
    assertThat(s.reliability().resumes()).hasSize(1);
    assertThat(s.reliability().resumes().get(0).epoch()).isEqualTo(2);
    assertThat(Math.abs(s.test().accuracy() - baselineAccuracy)).isLessThanOrEqualTo(0.01);
    double diff = params("driver-kill").sub(baseline).amaxNumber().doubleValue();
    MetricsLine.Resume resume = s.reliability().resumes().get(0);
    figures("driver SIGKILL mid-epoch, resubmitted", resume.lostRounds(), resume.lostSeconds(), recoverSeconds, s,
        diff);
    assertThat(diff).as("largest parameter difference").isLessThanOrEqualTo(1e-6);
    assertThat(Files.readString(log)).contains("resume: from checkpoint-0002-");
  }

  @Test
  @Order(5)
  void tune_trialsLandOnBothWorkers_andATrialWhoseExecutorIsKilledRunsAgain() throws Exception {
    Path search = BASE.resolve("tune-" + System.currentTimeMillis());
    Path log = BASE.resolve("tune.log");
    // submit appends: a log left by an earlier run of the tests would already hold "trial 1 started".
    Files.deleteIfExists(log);
    Process p = submit(List.of("submit-scripts/submit-standalone.sh", "--master", "spark://127.0.0.1:" + masterPort,
        "--config", "conf/fashion-mnist-sample.conf", "--tune", "src/test/resources/tune/it-space.conf",
        "--output", search.toString(), "--set", "data.trainPerClass=100", "--set", "data.validationFraction=0.2",
        "--set", "tune.trials=6", "--set", "tune.maxEpochs=2", "--set", "tune.scheduler=none",
        "--executor-memory", "2g", "--executor-cores", "1", "--total-executor-cores", "2", "--driver-memory", "2g",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1", "--skip-doctor"), log);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!Files.readString(log).contains("tune: trial 1 started")) {
      assertThat(p.isAlive() && System.nanoTime() < deadline).as(Files.readString(log)).isTrue();
      Thread.sleep(200);
    }
    Thread.sleep(3000);
    ProcessHandle victim = busyExecutor();
    victim.destroyForcibly();
    assertThat(finish(p, log)).as(Files.readString(log)).isZero();
    List<io.sparktrain.tune.TrialRecord> trials = io.sparktrain.tune.TrialsCsv.read(
        Files.readString(search.resolve("trials.csv")));
    // Six trials for two executors: the trials are short, and the executor that replaces the killed one has to
    // register before the other has taken every remaining trial.
    assertThat(trials).hasSize(6).allMatch(t -> t.status() == io.sparktrain.tune.TrialRecord.Status.COMPLETED
        && t.epochs() == 2);
    assertThat(trials.stream().map(t -> t.executor().substring(0, t.executor().indexOf('@'))).distinct().count())
        .as("executor ids of the trials: %s", trials.stream().map(io.sparktrain.tune.TrialRecord::executor).toList())
        .isGreaterThanOrEqualTo(2);
    assertThat(trials.stream().map(t -> t.executor().substring(t.executor().indexOf('/') + 1)).distinct().count())
        .as("executor JVMs (pids)").isGreaterThanOrEqualTo(2);
    assertThat(trials).as("the trial whose executor was killed ran again: a second task attempt")
        .anyMatch(t -> t.attempts() == 2);
    assertThat(search.resolve("best.conf")).isRegularFile();
    assertThat(search.resolve("tune.html")).isRegularFile();
  }

  private static Process daemon(String name, List<String> mainAndArgs) throws IOException {
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(List.of(SparkHome.opens().split(" ")));
    command.addAll(List.of("-Xmx512m", "-Dspark.authenticate=true",
        "-Dlog4j2.configurationFile=" + SPARK_HOME.resolve("conf/log4j2.properties"),
        "-cp", SPARK_HOME.resolve("jars") + "/*"));
    command.addAll(mainAndArgs);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(BASE.resolve(name + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", SPARK_HOME.toString());
    env.put("SPARK_SCALA_VERSION", "2.12");
    // The cluster's shared secret, from the environment as on a real cluster.
    env.put("_SPARK_AUTH_SECRET", SECRET);
    return pb.start();
  }

  private static int aliveWorkers() {
    try {
      HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + masterUiPort + "/json/").openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      String body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new ObjectMapper().readTree(body).path("aliveworkers").asInt(0);
    } catch (IOException e) {
      return -1;
    }
  }

  private interface Condition {
    boolean holds();
  }

  private static void waitFor(Condition condition, String what) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (condition.holds()) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("timed out waiting for " + what + "; logs in " + BASE);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
