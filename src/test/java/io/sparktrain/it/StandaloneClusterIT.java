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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Spark standalone cluster of separate JVMs on loopback (a Master and two Workers started from
 * Spark's jars, with authentication on), and the sample job submitted to it through
 * submit-scripts/submit-standalone.sh with the shaded jar: proof that serialization, the class path and
 * the native libraries work across processes.
 */
class StandaloneClusterIT {
  static final Path BASE = Path.of("target", "standalone-cluster").toAbsolutePath();
  static final Path SPARK_HOME = BASE.resolve("spark-home");
  static final String SECRET = UUID.randomUUID().toString();
  static final List<Process> DAEMONS = new ArrayList<>();
  static int masterPort;
  static int masterUiPort;

  @BeforeAll
  static void startCluster() throws Exception {
    makeSparkHome();
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

  private static void makeSparkHome() throws IOException {
    Path jars = SPARK_HOME.resolve("jars");
    Files.createDirectories(jars);
    try (var list = Files.list(Path.of("target", "spark-jars"))) {
      for (Path jar : list.toList()) {
        Path link = jars.resolve(jar.getFileName());
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, jar.toAbsolutePath());
        }
      }
    }
    Path bin = Files.createDirectories(SPARK_HOME.resolve("bin"));
    Path submit = bin.resolve("spark-submit");
    // spark-submit without a Spark download: the SparkSubmit class from the jars above.
    Files.writeString(submit, "#!/usr/bin/env bash\nexec java " + opens() + " -cp \"" + SPARK_HOME.resolve("conf")
        + ":" + jars + "/*\" "
        + "org.apache.spark.deploy.SparkSubmit \"$@\"\n");
    Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path conf = Files.createDirectories(SPARK_HOME.resolve("conf"));
    Files.copy(Path.of("conf", "log4j2.properties"), conf.resolve("log4j2.properties"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  static String opens() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    return pom.substring(pom.indexOf("<spark.add.opens>") + 17, pom.indexOf("</spark.add.opens>"));
  }

  private static Process daemon(String name, List<String> mainAndArgs) throws IOException {
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(List.of(opens().split(" ")));
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
