package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.sparktrain.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/sparktrain with the shaded jar, as a user runs it: the CSV job, help, and the documented exit codes. */
class LauncherIT {
  @TempDir
  Path dir;

  static Processes.Result launch(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bin/sparktrain"));
    command.addAll(List.of(args));
    return Processes.run(command, Map.of(), 10);
  }

  @Test
  void help_listsCommands() throws Exception {
    Processes.Result r = launch("--help");
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out()).contains("train").contains("Exit codes");
  }

  @Test
  void csvJob_beatsMajorityClassByAClearMargin() throws Exception {
    Path run = dir.resolve("csv-run");
    Processes.Result r = launch("train", "--config", "conf/breast-cancer-csv.conf", "--output", run.toString(),
        "--set", "spark.conf.spark.ui.enabled=false");
    assertThat(r.code()).as(r.out()).isZero();
    JsonNode s = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    double accuracy = s.at("/test/accuracy").asDouble();
    long total = 0;
    long majority = 0;
    for (JsonNode c : s.at("/test/perClass")) {
      total += c.get("support").asLong();
      majority = Math.max(majority, c.get("support").asLong());
    }
    double baseline = (double) majority / total;
    assertThat(total).isBetween(80L, 160L);
    assertThat(accuracy).as("test accuracy vs majority-class baseline %s", baseline)
        .isGreaterThanOrEqualTo(baseline + 0.15);
    assertThat(accuracy).isGreaterThanOrEqualTo(0.90);
    assertThat(s.at("/data/featureNames")).hasSize(30);
    assertThat(s.at("/data/normalization/kind").asText()).isEqualTo("standardize");
    assertThat(run.resolve("model.zip")).isRegularFile();
  }

  /**
   * Names with characters that are legal in file names but special in URIs: a source and a run directory
   * with spaces, '#' and '%' (and ':' in the run directory's folder) work; a source whose file name holds
   * ':', which no Hadoop file system can open, fails with exit 3 naming it.
   */
  @Test
  void pathsWithSpacesHashPercentAndColon_workOrFailNamingThePath() throws Exception {
    Path folder = java.nio.file.Files.createDirectories(dir.resolve("a b#c%25d:e"));
    Path source = java.nio.file.Files.copy(Path.of("sample-data/breast-cancer/breast_cancer.csv"),
        folder.resolve("breast cancer #1 100%.csv"));
    Path run = folder.resolve("run #2 %20:x");
    Processes.Result ok = launch("train", "--config", "conf/breast-cancer-csv.conf", "--set", "train.epochs=2",
        "--set", "spark.conf.spark.ui.enabled=false", "--set", "data.train=" + source, "--output", run.toString());
    assertThat(ok.code()).as(ok.out()).isZero();
    assertThat(run.resolve("summary.json")).isRegularFile();
    assertThat(run.resolve("model.zip")).isRegularFile();
    Path colon = java.nio.file.Files.copy(source, folder.resolve("cancer:1.csv"));
    Processes.Result bad = launch("train", "--config", "conf/breast-cancer-csv.conf", "--set", "data.train=" + colon,
        "--output", dir.resolve("colon-run").toString());
    assertThat(bad.code()).as(bad.out()).isEqualTo(3);
    assertThat(bad.out()).contains("error: " + colon + ": Hadoop's file systems cannot read a file or folder whose"
        + " name holds a colon");
    Processes.Result relative = launch("train", "--config", "conf/breast-cancer-csv.conf", "--output", "a:b");
    assertThat(relative.code()).as(relative.out()).isEqualTo(2);
    assertThat(relative.out()).contains("error: --output: ").contains("a:b");
  }

  @Test
  void uiUrl_routesWorkerStatisticsToTheUiServer() throws Exception {
    java.util.List<String> posts = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer server =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    // Stands in for the DL4J UI server's remote receiver: records what arrives, answers 200.
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      posts.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " " + body);
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    try {
      Processes.Result r = launch("train", "--config", "conf/breast-cancer-csv.conf", "--output",
          dir.resolve("ui-run").toString(), "--set", "train.epochs=4", "--set", "spark.conf.spark.ui.enabled=false",
          "--ui-url", "http://127.0.0.1:" + server.getAddress().getPort());
      assertThat(r.code()).as(r.out()).isZero();
      assertThat(posts).as("statistics posted to the UI server").isNotEmpty();
      assertThat(posts).allMatch(p -> p.startsWith("POST /remoteReceive "));
      // DL4J's remote format: JSON envelopes around SBE-encoded records, first the session's metadata and
      // the workers' static information, then updates.
      assertThat(String.join("\n", posts)).contains("\"type\":\"MetaData\"").contains("\"type\":\"StaticInfo\"")
          .contains("SbeStatsInitializationReport").contains("\"type\":\"Update\"");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void missingInput_exit3NamingTheFile() throws Exception {
    Processes.Result r = launch("train", "--config", "conf/fashion-mnist-sample.conf", "--output", dir.resolve("x").toString(),
        "--set", "data.train=sample-data/fashion-mnist/missing-images.gz", "--set", "spark.conf.spark.ui.enabled=false");
    assertThat(r.code()).as(r.out()).isEqualTo(3);
    assertThat(r.out()).contains("error: sample-data/fashion-mnist/missing-images.gz: no such file"
        + " (exit code 3: bad or unreadable input data)").doesNotContain("\tat ");
  }

  @Test
  void outputNotWritable_exit2NamingIt() throws Exception {
    Processes.Result r = launch("train", "--config", "conf/breast-cancer-csv.conf", "--output", "README.md/run",
        "--set", "spark.conf.spark.ui.enabled=false");
    assertThat(r.code()).as(r.out()).isEqualTo(2);
    assertThat(r.out()).contains("error: --output: ").contains("README.md/run").doesNotContain("\tat ");
  }

  @Test
  void badConfig_exit2BeforeSparkStarts() throws Exception {
    Processes.Result r = launch("train", "--config", "conf/fashion-mnist-sample.conf", "--set", "model.updater.type=adamx");
    assertThat(r.code()).as(r.out()).isEqualTo(2);
    assertThat(r.out()).contains("model.updater.type: must be one of").doesNotContain("SparkContext");
  }
}
