package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.report.schema.RunJson;
import io.sparktrain.report.schema.SummaryFile;
import io.sparktrain.testing.Hdfs;
import io.sparktrain.testing.SparkHome;
import io.sparktrain.testing.Yarn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * submit-scripts/submit-yarn.sh against a real YARN (MiniYARNCluster: a ResourceManager and a NodeManager that
 * launches the ApplicationMaster, the driver and the executors as containers, separate JVMs, with YARN's
 * physical memory check on) and a real HDFS that holds the data, the staging folder and the run directory,
 * as in production. One cluster for the whole class: the sample job in cluster and in client deploy mode, a
 * deliberately undersized memory overhead, and a first attempt whose driver dies, continued by YARN's
 * second attempt from the checkpoint.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnIT {
  static final Path BASE = Path.of("target", "yarn-cluster").toAbsolutePath();
  static final String[] SAMPLE = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
      "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};
  static MiniDFSCluster hdfsCluster;
  static String hdfs;
  static FileSystem fs;
  static Yarn yarn;
  static Path sparkHome;

  @BeforeAll
  static void startCluster() throws Exception {
    Files.createDirectories(BASE);
    hdfsCluster = Hdfs.start(BASE.resolve("hdfs-" + System.nanoTime()));
    hdfs = "hdfs://127.0.0.1:" + hdfsCluster.getNameNodePort();
    fs = hdfsCluster.getFileSystem();
    for (String f : SAMPLE) {
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(Path.of("sample-data", "fashion-mnist", f).toUri()),
          new org.apache.hadoop.fs.Path(hdfs + "/data/fashion-mnist/" + f));
    }
    yarn = Yarn.start(BASE, hdfs);
    sparkHome = SparkHome.make(BASE.resolve("spark-home"));
  }

  @AfterAll
  static void stopCluster() {
    if (yarn != null) {
      yarn.close();
    }
    if (hdfsCluster != null) {
      hdfsCluster.shutdown();
    }
  }

  /** The sample job on the cluster: its data on HDFS, 4 epochs, two executors of 1 core. */
  static List<String> job(String deployMode, String name, String run, String... more) {
    List<String> c = new ArrayList<>(List.of("submit-scripts/submit-yarn.sh", "--config",
        "conf/fashion-mnist-sample.conf", "--deploy-mode", deployMode, "--name", name, "--output", hdfs + "/runs/" + run,
        "--num-executors", "2", "--executor-cores", "1", "--executor-memory", "2g", "--offheap", "1g",
        "--driver-memory", "2g", "--set", "train.epochs=4"));
    String[] keys = {"data.train", "data.trainLabels", "data.test", "data.testLabels"};
    for (int i = 0; i < keys.length; i++) {
      c.addAll(List.of("--set", keys[i] + "=" + hdfs + "/data/fashion-mnist/" + SAMPLE[i]));
    }
    // Spark's jars are on every node of this cluster (a distribution's are): no upload per submission.
    c.addAll(List.of("--conf", "spark.yarn.jars=local:" + sparkHome.resolve("jars") + "/*",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.yarn.submit.waitAppCompletion=true"));
    c.addAll(List.of(more));
    return c;
  }

  static Process start(List<String> command, Path log) throws IOException {
    Files.deleteIfExists(log);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("HADOOP_CONF_DIR", yarn.confDir().toString());
    pb.environment().remove("SPARKTRAIN_AUTH_SECRET");
    return pb.start();
  }

  static int finish(Process p, Path log) throws Exception {
    return io.sparktrain.testing.Processes.finish(p, log, 12);
  }

  static String text(String uri) throws IOException {
    return io.sparktrain.testing.Hdfs.text(fs, uri);
  }

  static SummaryFile summary(String run) throws IOException {
    return RunJson.summary(text(hdfs + "/runs/" + run + "/summary.json"), run);
  }

  static ApplicationReport application(String name) throws Exception {
    List<ApplicationReport> apps = yarn.applications(name);
    assertThat(apps).as("YARN applications named " + name).hasSize(1);
    return apps.get(0);
  }

  /** The container log folders of an application, where the README says to look without log aggregation. */
  static List<Path> containers(ApplicationReport app) throws IOException {
    try (Stream<Path> list = Files.list(yarn.containerLogs().resolve(app.getApplicationId().toString()))) {
      return list.sorted().toList();
    }
  }

  @Test
  @Order(1)
  void clusterMode_sampleJobOnHdfs_succeeds_logsInTheContainerFolders() throws Exception {
    Path log = BASE.resolve("cluster-mode.log");
    int code = finish(start(job("cluster", "yarn-cluster-mode", "cluster"), log), log);
    String out = Files.readString(log);
    assertThat(code).as(out).isZero();
    ApplicationReport app = application("yarn-cluster-mode");
    assertThat(app.getFinalApplicationStatus()).isEqualTo(FinalApplicationStatus.SUCCEEDED);
    // What the submitting user sees: the preflight, the application id to look for, its final state.
    assertThat(out).contains("preflight passed").contains("yarn: ResourceManager")
        .contains("Submitting application " + app.getApplicationId()).contains("final status: SUCCEEDED");

    // A SUCCEEDED status alone does not prove the job worked: the run directory on HDFS does.
    SummaryFile s = summary("cluster");
    assertThat(s.status()).isEqualTo(SummaryFile.Status.COMPLETED);
    assertThat(s.spark().master()).isEqualTo("yarn");
    assertThat(s.test().accuracy()).isGreaterThanOrEqualTo(0.80);
    assertThat(fs.exists(new org.apache.hadoop.fs.Path(hdfs + "/runs/cluster/model.zip"))).isTrue();

    // The driver ran in the ApplicationMaster's container (the first); its stdout is the run's console.
    List<Path> containers = containers(app);
    assertThat(containers).as("the AM/driver and two executors").hasSizeGreaterThanOrEqualTo(3);
    String driver = Files.readString(containers.get(0).resolve("stdout"));
    assertThat(driver).contains("epoch 4/4").contains("test accuracy");
    assertThat(driver + Files.readString(containers.get(0).resolve("stderr"))).doesNotContain("was killed");
    for (Path executor : containers.subList(1, containers.size())) {
      assertThat(executor.resolve("stderr")).exists();
      assertThat(Files.readString(executor.resolve("prelaunch.out"))).contains("Launching container");
    }
  }

  @Test
  @Order(2)
  void clientMode_driverOnTheSubmittingMachine_succeeds() throws Exception {
    Path log = BASE.resolve("client-mode.log");
    int code = finish(start(job("client", "yarn-client-mode", "client", "--conf", "spark.driver.host=127.0.0.1"), log),
        log);
    String out = Files.readString(log);
    assertThat(code).as(out).isZero();
    assertThat(out).contains("epoch 4/4").contains("test accuracy").doesNotContain("was killed");
    assertThat(application("yarn-client-mode").getFinalApplicationStatus()).isEqualTo(FinalApplicationStatus.SUCCEEDED);
    SummaryFile s = summary("client");
    assertThat(s.test().accuracy()).isGreaterThanOrEqualTo(0.80);
    assertThat(s.reliability().faults().executorsLost()).isEmpty();
  }

  @Test
  @Order(3)
  void undersizedOverhead_refusedByThePreflight_andKilledByYarnWhenSubmittedAnyway_exit8() throws Exception {
    Path log = BASE.resolve("undersized.log");
    // Minibatches of 4,096 with a container of the 1g heap + 1m: ND4J's arrays and libraries outside the heap
    // do not fit (the script would have asked for off-heap + 1g of overhead). With oneDNN's convolutions (no
    // im2col buffers) minibatches of 1,024 stayed inside 1 GiB.
    List<String> undersized = job("client", "yarn-undersized", "undersized", "--executor-memory", "1g",
        "--conf", "spark.executor.memoryOverhead=1m", "--set", "train.batchSizePerWorker=4096",
        "--conf", "spark.driver.host=127.0.0.1",
        // A task lost with its killed executor fails the job at once, instead of after Spark's 4 attempts.
        "--conf", "spark.task.maxFailures=1", "--set", "train.epochs=1");
    int refused = finish(start(undersized, log), log);
    String preflight = Files.readString(log);
    assertThat(refused).as(preflight).isEqualTo(6);
    assertThat(preflight).contains("spark.executor.memoryOverhead is").contains("preflight failed (exit 6); not submitting");
    assertThat(yarn.applications("yarn-undersized")).as("nothing was submitted").isEmpty();

    undersized.add("--skip-doctor");
    int code = finish(start(undersized, log), log);
    String out = Files.readString(log);
    assertThat(code).as(out).isEqualTo(8);
    List<String> warnings = out.lines().filter(l -> l.startsWith("warning: executor ")).toList();
    assertThat(warnings).as(out).isNotEmpty();
    assertThat(warnings.get(0)).containsPattern("was killed by YARN for using more memory than its container holds "
            + "\\([0-9.]+ [KMG]?B of [0-9.]+ [KMG]?B physical memory used\\)")
        .contains("spark.executor.memoryOverhead (1m)").contains("raise spark.executor.memoryOverhead");
    Optional<String> error = out.lines().filter(l -> l.startsWith("error: ")).findFirst();
    assertThat(error).as(out).hasValueSatisfying(e -> assertThat(e).contains("was killed by YARN")
        .endsWith("(exit code 8: containers killed for exceeding their memory)"));
  }

  @Test
  @Order(4)
  void driverDiesInTheFirstAttempt_yarnsSecondAttemptResumesFromTheCheckpoint() throws Exception {
    Path log = BASE.resolve("retry.log");
    String run = hdfs + "/runs/retry";
    // 3,000 of the sample's images, 3 epochs, a checkpoint every 2 rounds.
    Process submit = start(job("cluster", "yarn-retry", "retry", "--set", "train.epochs=3",
        "--set", "data.trainPerClass=300", "--set", "checkpoint.everyRounds=2", "--skip-doctor"), log);
    org.apache.hadoop.fs.Path latest = new org.apache.hadoop.fs.Path(run + "/checkpoints/LATEST");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
    while (!fs.exists(latest) || !text(run + "/metrics.jsonl").contains("\"type\":\"epoch\",\"epoch\":1,")) {
      assertThat(submit.isAlive() && System.nanoTime() < deadline).as(Files.readString(log)).isTrue();
      Thread.sleep(300);
    }
    Thread.sleep(2000);
    // The first attempt's driver: the ApplicationMaster JVM that runs this run's train command.
    List<ProcessHandle> drivers = ProcessHandle.allProcesses().filter(h -> {
      String cmd = h.info().commandLine().orElse("");
      return h.info().command().orElse("").endsWith("/java")
          && cmd.contains("org.apache.spark.deploy.yarn.ApplicationMaster") && cmd.contains(run);
    }).toList();
    assertThat(drivers).as("the first attempt's driver JVM").hasSize(1);
    drivers.get(0).destroyForcibly();

    int code = finish(submit, log);
    String out = Files.readString(log);
    assertThat(code).as(out).isZero();
    ApplicationReport app = application("yarn-retry");
    assertThat(app.getFinalApplicationStatus()).isEqualTo(FinalApplicationStatus.SUCCEEDED);
    assertThat(app.getCurrentApplicationAttemptId().getAttemptId()).as("the attempt that finished").isEqualTo(2);
    SummaryFile s = summary("retry");
    assertThat(s.status()).isEqualTo(SummaryFile.Status.COMPLETED);
    assertThat(s.reliability().resumes()).as("the second attempt continued the first one's run").hasSize(1);
    assertThat(s.reliability().resumes().get(0).epoch()).isGreaterThanOrEqualTo(2);
    assertThat(s.epochs().completed()).isEqualTo(3);
  }
}
