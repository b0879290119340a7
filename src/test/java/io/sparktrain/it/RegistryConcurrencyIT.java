package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.publish.Registry;
import io.sparktrain.testing.PublishLoop;
import io.sparktrain.testing.S3Proxy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry under concurrency: {@value #PROCESSES} publisher processes ({@link PublishLoop}) publish
 * {@value #RUNS} runs each at the same time to one model, with no allowed drop, then publish their first
 * run again; a reader in this JVM watches the champion pointer all along. On a local disk, on HDFS
 * (MiniDFSCluster) and on S3 (s3proxy). Afterwards: every version belongs to exactly one run and holds
 * exactly that run's files; no version number was given twice or nested in another; the versions'
 * accuracies never decrease (each was checked against the champion of the moment its pointer moved);
 * republishing returned the first version; the reader never found the pointer absent or pointing at an
 * incomplete version, and saw it only move forward.
 */
class RegistryConcurrencyIT {
  static final int PROCESSES = 4;
  static final int RUNS = 6;

  @TempDir
  Path dir;

  @Test
  void localDisk() throws Exception {
    check(dir.resolve("registry").toString(), new Configuration(), Map.of());
  }

  @Test
  void hdfs() throws Exception {
    MiniDFSCluster cluster = io.sparktrain.testing.Hdfs.start(dir.resolve("hdfs"));
    try {
      check("hdfs://127.0.0.1:" + cluster.getNameNodePort() + "/registry", cluster.getFileSystem().getConf(), Map.of());
    } finally {
      cluster.shutdown();
    }
  }

  @Test
  void s3() throws Exception {
    try (S3Proxy proxy = S3Proxy.start(dir.resolve("s3"))) {
      Map<String, String> hadoop = new HashMap<>();
      proxy.sparkSettings().forEach((k, v) -> hadoop.put(k.substring("spark.hadoop.".length()), v));
      check("s3a://bucket/registry", proxy.hadoop(), hadoop);
    }
  }

  private void check(String registry, Configuration conf, Map<String, String> hadoop) throws Exception {
    Registry reader = new Registry(registry, "fmnist", conf);
    Watcher watcher = new Watcher(reader);
    Thread watching = new Thread(watcher, "pointer-watcher");
    watching.start();
    List<Process> processes = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    for (int p = 0; p < PROCESSES; p++) {
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), PublishLoop.class.getName(), registry, "fmnist",
          Files.createDirectories(dir.resolve("runs")).toString(), String.valueOf(p), String.valueOf(RUNS)));
      hadoop.forEach((k, v) -> command.add(k + "=" + v));
      Path log = dir.resolve("publisher-" + p + ".log");
      logs.add(log);
      processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
    }
    for (int p = 0; p < PROCESSES; p++) {
      assertThat(io.sparktrain.testing.Processes.finish(processes.get(p), logs.get(p), 5)).as(Files.readString(logs.get(p)))
          .isZero();
    }
    watcher.stop.set(true);
    watching.join();

    Map<String, String> versionOfRun = new HashMap<>();
    Map<String, Double> accuracyOf = new HashMap<>();
    List<String> lines = new ArrayList<>();
    for (Path log : logs) {
      lines.addAll(Files.readAllLines(log).stream().filter(l -> l.matches("(published|refused|already|again|storage) .*")).toList());
    }
    assertThat(lines).as("one line per attempt").hasSize(PROCESSES * (RUNS + 1));
    assertThat(lines).as("no publisher gave up waiting for the lock").noneMatch(l -> l.startsWith("storage "));
    for (String line : lines) {
      String[] f = line.split(" ");
      if (f[0].equals("published")) {
        assertThat(versionOfRun.put(f[1], f[2])).as("run published twice: " + line).isNull();
        assertThat(accuracyOf.put(f[2], Double.parseDouble(f[3]))).as("version given twice: " + line).isNull();
      }
    }
    for (String line : lines) {
      String[] f = line.split(" ");
      if (f[0].equals("already") || f[0].equals("again")) {
        assertThat(f[2]).as("republishing returns the first version: " + line).isEqualTo(versionOfRun.get(f[1]));
      }
      // With no allowed drop and rising accuracies, moving back to an older version passes only on a tie.
      assertThat(f[0]).as(line).isNotEqualTo("again");
    }
    assertThat(versionOfRun).as("some runs pass the gate, some are refused").isNotEmpty().hasSizeLessThan(PROCESSES * RUNS);

    FileSystem fs = new org.apache.hadoop.fs.Path(registry).getFileSystem(conf);
    org.apache.hadoop.fs.Path model = new org.apache.hadoop.fs.Path(registry, "fmnist");
    List<String> folders = new ArrayList<>();
    for (FileStatus s : fs.listStatus(model)) {
      if (s.getPath().getName().startsWith(".staging-") || s.getPath().getName().equals(".lock")) {
        // s3proxy's file-system store lists the empty folder a deleted object's prefix leaves behind;
        // S3A itself finds nothing there.
        assertThat(fs.exists(s.getPath()) ? fs.listFiles(s.getPath(), true).hasNext() : false)
            .as(s.getPath() + " holds nothing (every lock released, every staging folder removed)").isFalse();
        continue;
      }
      folders.add(s.getPath().getName());
    }
    List<String> versions = new ArrayList<>(accuracyOf.keySet());
    versions.sort((a, b) -> Integer.compare(Integer.parseInt(a.substring(1)), Integer.parseInt(b.substring(1))));
    List<String> expected = new ArrayList<>(versions);
    expected.add("CHAMPION");
    assertThat(folders).as("nothing but the versions and the pointer is left").containsExactlyInAnyOrderElementsOf(expected);
    for (Map.Entry<String, String> e : versionOfRun.entrySet()) {
      org.apache.hadoop.fs.Path v = new org.apache.hadoop.fs.Path(model, e.getValue());
      List<String> files = new ArrayList<>();
      for (FileStatus s : fs.listStatus(v)) {
        files.add(s.getPath().getName());
      }
      assertThat(files).as(v + " holds its run's files, nothing nested").containsExactlyInAnyOrder("model.zip",
          "summary.json", "model.zip.sha256");
      String runName = Path.of(e.getKey()).getFileName().toString();
      assertThat(text(fs, new org.apache.hadoop.fs.Path(v, "model.zip"))).isEqualTo("model of " + runName);
    }
    double last = 0;
    for (String v : versions) {
      assertThat(accuracyOf.get(v)).as("%s's accuracy against the champion before it", v).isGreaterThanOrEqualTo(last);
      last = accuracyOf.get(v);
    }
    String newest = versions.get(versions.size() - 1);
    assertThat(reader.champion()).isEqualTo(newest);
    assertThat(watcher.problems).as("what the reader saw").isEmpty();
    assertThat(watcher.reads.get()).as("the reader read the pointer while they published").isGreaterThan(20);
    System.out.printf("registry concurrency on %s: %d processes x %d runs (+1 republish each): %d published as v1..%s,"
        + " %d refused by the gate, %d republished (same version); the reader read the pointer %d times, problems: %d%n",
        registry, PROCESSES, RUNS, versions.size(), newest, lines.stream().filter(l -> l.startsWith("refused")).count(),
        lines.stream().filter(l -> l.startsWith("already")).count(), watcher.reads.get(), watcher.problems.size());
  }

  private static String text(FileSystem fs, org.apache.hadoop.fs.Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Reads the pointer in a loop: once present it must stay present, move only forward, name a whole version. */
  static final class Watcher implements Runnable {
    final Registry registry;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger reads = new AtomicInteger();
    final List<String> problems = new CopyOnWriteArrayList<>();

    Watcher(Registry registry) {
      this.registry = registry;
    }

    @Override
    public void run() {
      int seen = 0;
      while (!stop.get() && problems.size() < 10) {
        try {
          String champion = registry.champion();
          reads.incrementAndGet();
          if (champion == null) {
            if (seen > 0) {
              problems.add("the pointer was absent after v" + seen);
            }
          } else {
            int n = Integer.parseInt(champion.substring(1));
            if (n < seen) {
              problems.add("the pointer went back from v" + seen + " to " + champion);
            }
            seen = Math.max(seen, n);
            String folder = registry.versionUri(champion);
            String sha = registry.recordedSha(folder);
            if (sha == null) {
              problems.add(champion + " has no model.zip.sha256 while it is the champion");
            }
          }
          TimeUnit.MILLISECONDS.sleep(5);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          problems.add("reading the pointer failed: " + e);
        }
      }
    }
  }
}
