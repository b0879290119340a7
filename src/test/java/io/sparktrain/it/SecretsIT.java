package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.testing.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets never appear in any output. bin/sparktrain trains the CSV job with a marker secret in every
 * secret-bearing key of the file systems Hadoop supports and of Spark (in the job file), inside Java
 * options, in a spark-defaults.conf entry (the launcher's -D path) and in the environment, with Spark's
 * event log on; a second run names a data source by a URI with credentials in it and fails. Then every
 * file the runs wrote (inside zips too), the event log, everything printed, `sparktrain config --resolved`
 * and the process list sampled while the run ran are searched for every marker.
 */
class SecretsIT {
  @TempDir
  Path dir;

  /** key (as the job sets it under spark.conf) to its marker value. */
  static Map<String, String> markers() {
    Map<String, String> m = new LinkedHashMap<>();
    List<String> keys = List.of("spark.hadoop.fs.s3a.access.key", "spark.hadoop.fs.s3a.secret.key",
        "spark.hadoop.fs.s3a.session.token", "spark.hadoop.fs.s3a.encryption.key",
        "spark.hadoop.fs.s3a.server-side-encryption.key", "spark.hadoop.fs.s3a.bucket.reports.secret.key",
        "spark.hadoop.fs.s3a.bucket.reports.session.token",
        "spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net",
        "spark.hadoop.fs.azure.sas.container.acct.blob.core.windows.net",
        "spark.hadoop.fs.azure.account.oauth2.client.secret", "spark.hadoop.fs.gs.auth.service.account.private.key",
        "spark.hadoop.fs.gs.auth.service.account.private.key.id", "spark.hadoop.fs.gs.encryption.key",
        "spark.authenticate.secret", "spark.ssl.keyPassword", "spark.ssl.keyStorePassword");
    for (int i = 0; i < keys.size(); i++) {
      m.put(keys.get(i), "Mk" + i + "zQ7xsecretvalue");
    }
    return m;
  }

  static final String IN_JAVA_OPTIONS = "Mk50zQ7xjavaoptions";
  static final String IN_DEFAULTS = "Mk51zQ7xsparkdefaults";
  static final String IN_ENVIRONMENT = "Mk52zQ7xenvironment";
  static final String URI_USER = "Mk53zQ7xuriuser";
  static final String URI_PASSWORD = "Mk54zQ7xuripassword";

  @Test
  void markerSecretsEverywhere_appearInNoOutput() throws Exception {
    Map<String, String> markers = markers();
    List<String> all = new ArrayList<>(markers.values());
    all.addAll(List.of(IN_JAVA_OPTIONS, IN_DEFAULTS, IN_ENVIRONMENT, URI_USER, URI_PASSWORD));

    Path events = Files.createDirectories(dir.resolve("events"));
    StringBuilder job = new StringBuilder("include file(\"" + Path.of("conf/breast-cancer-csv.conf").toAbsolutePath()
        + "\")\ntrain.epochs = 2\nspark.conf {\n");
    markers.forEach((k, v) -> job.append("  \"").append(k).append("\" = \"").append(v).append("\"\n"));
    job.append("  \"spark.driver.extraJavaOptions\" = \"-Dfs.s3a.secret.key=").append(IN_JAVA_OPTIONS).append("\"\n")
        .append("  \"spark.eventLog.enabled\" = \"true\"\n")
        .append("  \"spark.eventLog.dir\" = \"").append(events.toUri()).append("\"\n")
        .append("  \"spark.ui.enabled\" = \"false\"\n}\n");
    Path jobFile = Files.writeString(dir.resolve("secrets.conf"), job);
    Path defaults = Files.writeString(dir.resolve("spark-defaults.conf"), Files.readString(Path.of("conf/spark-defaults.conf"))
        + "\nspark.hadoop.fs.azure.account.key.other.blob.core.windows.net  " + IN_DEFAULTS + "\n");
    Map<String, String> env = Map.of("SPARKTRAIN_SPARK_DEFAULTS", defaults.toString(),
        "AWS_SECRET_ACCESS_KEY", IN_ENVIRONMENT);

    Path run = dir.resolve("run");
    List<String> processes = new CopyOnWriteArrayList<>();
    Processes.Result trained = whileWatchingProcesses(processes, () -> Processes.run(List.of("bin/sparktrain", "train",
        "--config", jobFile.toString(), "--output", run.toString()), env, 10));
    assertThat(trained.code()).as(trained.out()).isZero();
    assertThat(processes).as("the process list was sampled while the run ran")
        .anyMatch(p -> p.contains("io.sparktrain.cli.Main"));
    assertThat(processes).as("spark-defaults.conf reaches java through an argument file")
        .anyMatch(p -> p.contains("@/dev/fd/"));

    Processes.Result resolved = Processes.run(List.of("bin/sparktrain", "config", "--resolved", "--config",
        jobFile.toString()), env, 5);
    assertThat(resolved.code()).as(resolved.out()).isZero();
    assertThat(resolved.out()).contains("******");

    // A data source named with credentials in its URI: the run fails, and says so without them.
    Path failedRun = dir.resolve("failed");
    Processes.Result failed = Processes.run(List.of("bin/sparktrain", "train", "--config", jobFile.toString(),
        "--output", failedRun.toString(), "--set", "data.train=file://" + URI_USER + ":" + URI_PASSWORD
            + "@localhost" + Path.of("sample-data/breast-cancer/breast_cancer.csv").toAbsolutePath()), env, 10);
    assertThat(failed.code()).as(failed.out()).isNotZero();
    assertThat(failed.out()).contains("******@localhost");

    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("train's output", trained.out());
    outputs.put("config --resolved", resolved.out());
    outputs.put("the failed run's output", failed.out());
    outputs.put("process list", String.join("\n", processes));
    int files = 0;
    for (Path root : List.of(run, events, failedRun)) {
      if (!Files.exists(root)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path f : walk.filter(Files::isRegularFile).toList()) {
          outputs.put(f.toString(), text(f));
          files++;
        }
      }
    }
    assertThat(files).as("the run directory and the event log were written").isGreaterThan(8);
    assertThat(outputs.keySet()).anyMatch(k -> k.startsWith(events.toString()));
    for (Map.Entry<String, String> o : outputs.entrySet()) {
      for (String marker : all) {
        assertThat(o.getValue()).as("%s holds a secret", o.getKey()).doesNotContain(marker);
      }
    }
    System.out.printf("secrets: %d marker secrets, none in %d files (run directory, event log) nor in train's,"
        + " config's and a failed run's output nor in %d process-list samples%n", all.size(), files, processes.size());
  }

  interface Launch {
    Processes.Result run() throws Exception;
  }

  private static Processes.Result whileWatchingProcesses(List<String> seen, Launch launch) throws Exception {
    Thread watcher = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Process ps = new ProcessBuilder("ps", "-eo", "args", "ww").redirectErrorStream(true).start();
          String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          ps.waitFor();
          out.lines().filter(l -> l.contains("sparktrain") || l.contains("java")).forEach(seen::add);
          TimeUnit.MILLISECONDS.sleep(300);
        } catch (InterruptedException e) {
          return;
        } catch (IOException e) {
          seen.add("ps failed: " + e);
        }
      }
    });
    watcher.start();
    try {
      return launch.run();
    } finally {
      watcher.interrupt();
      watcher.join();
    }
  }

  /** A file's text; for a zip (model.zip, checkpoints), the text of every entry. */
  private static String text(Path f) throws IOException {
    byte[] bytes = Files.readAllBytes(f);
    if (bytes.length > 4 && bytes[0] == 'P' && bytes[1] == 'K') {
      StringBuilder out = new StringBuilder();
      try (ZipInputStream zip = new ZipInputStream(new java.io.ByteArrayInputStream(bytes))) {
        for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
          out.append(e.getName()).append('\n').append(new String(readAll(zip), StandardCharsets.ISO_8859_1));
        }
      }
      return out.toString();
    }
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static byte[] readAll(InputStream in) throws IOException {
    return in.readAllBytes();
  }
}
