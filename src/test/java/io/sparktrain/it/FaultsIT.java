package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.publish.RunDirectory;
import io.sparktrain.report.schema.RunJson;
import io.sparktrain.report.schema.SummaryFile;
import io.sparktrain.testing.S3Proxy;
import io.sparktrain.train.RunCheckpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults a scheduled run meets, injected into real processes started as a user starts them
 * (bin/sparktrain): SIGTERM in the middle of an epoch, a run directory whose disk fills up (a small
 * tmpfs), an S3 endpoint that stops (s3proxy killed). Each ends with its documented exit code and one
 * line that names the cause, the last complete checkpoint intact, and {@code --resume} finishes the run.
 */
class FaultsIT {
  @TempDir
  static Path shared;

  /** The same job undisturbed: what every faulted run must end with. */
  static INDArray baseline;
  static double baselineAccuracy;
  static double baselineSeconds;

  @BeforeAll
  static void undisturbedRun() throws Exception {
    Path run = shared.resolve("baseline");
    Path log = shared.resolve("baseline.log");
    long t0 = System.nanoTime();
    Process p = launch(log, train(run.toString()));
    assertThat(exit(p, 10, log)).as(read(log)).isZero();
    baselineSeconds = (System.nanoTime() - t0) / 1e9;
    baseline = params(new Configuration(), run.toString());
    baselineAccuracy = summary(run).test().accuracy();
  }

  static INDArray params(Configuration conf, String run) throws IOException {
    org.apache.hadoop.fs.Path model = new org.apache.hadoop.fs.Path(run + "/model.zip");
    try (var in = model.getFileSystem(conf).open(model)) {
      return ModelSerializer.restoreMultiLayerNetwork(in, false).params();
    }
  }

  /**
   * Nothing lost: the resumed run ends with the undisturbed run's parameters and accuracy. Prints the
   * figures docs/RELIABILITY.md collects (bench/reliability.sh).
   */
  static void nothingLost(String fault, String run, Configuration conf, double faultToEndSeconds) throws IOException {
    RunDirectory dirOfRun = RunDirectory.open(run, conf);
    SummaryFile s = RunJson.summary(dirOfRun.read("summary.json"), run);
    double diff = params(conf, run).sub(baseline).amaxNumber().doubleValue();
    io.sparktrain.report.schema.MetricsLine.Resume resume = s.reliability().resumes().get(0);
    System.out.printf(java.util.Locale.ROOT, "reliability: fault=%s lostRounds=%d lostSeconds=%.1f "
        + "faultToEndSeconds=%.1f baselineSeconds=%.1f accuracy=%.4f baselineAccuracy=%.4f maxParameterDifference=%.3g%n",
        fault, resume.lostRounds(), resume.lostSeconds(), faultToEndSeconds, baselineSeconds, s.test().accuracy(),
        baselineAccuracy, diff);
    assertThat(diff).as("largest parameter difference from the undisturbed run").isLessThanOrEqualTo(1e-6);
    assertThat(s.test().accuracy()).isEqualTo(baselineAccuracy);
  }
  /** 1,000 sample images, minibatches of 16, 8 rounds an epoch, a checkpoint every 2 rounds. */
  static final List<String> SMALL = List.of("--set", "spark.conf.spark.ui.enabled=false", "--set",
      "data.trainPerClass=100", "--set", "train.epochs=3", "--set", "train.batchSizePerWorker=16", "--set",
      "train.averagingFrequency=4", "--set", "checkpoint.everyRounds=2");

  @TempDir
  Path dir;

  /** bin/sparktrain with these arguments, output and errors to {@code log}. */
  static Process launch(Path log, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of("bin/sparktrain"));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("SPARKTRAIN_AUTH_SECRET");
    return pb.start();
  }

  static List<String> train(String output, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--config", "conf/fashion-mnist-sample.conf", "--output",
        output));
    args.addAll(SMALL);
    args.addAll(List.of(more));
    return args;
  }

  static int exit(Process p, int minutes, Path log) throws Exception {
    if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("still running after " + minutes + " min:\n" + Files.readString(log));
    }
    return p.exitValue();
  }

  static void waitFor(BooleanSupplier condition, Process p, Path log, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("never saw " + what + ":\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
  }

  /** The one line the CLI prints for a failure, and no stack trace. */
  static String errorLine(Path log) throws IOException {
    String out = Files.readString(log);
    assertThat(out).as(out).doesNotContain("\tat ").doesNotContain("Exception in thread");
    List<String> errors = out.lines().filter(l -> l.startsWith("error: ")).toList();
    assertThat(errors).as(out).hasSize(1);
    return errors.get(0);
  }

  static SummaryFile summary(Path run) throws IOException {
    return RunJson.summary(Files.readString(run.resolve("summary.json")), "summary.json");
  }

  static void resumeCompletes(String fault, long faultAt, String run, Path log, Configuration conf, String... more)
      throws Exception {
    List<String> args = new ArrayList<>(train(run, more));
    args.add("--resume");
    Process p = launch(log, args);
    assertThat(exit(p, 10, log)).as(Files.readString(log)).isZero();
    String out = Files.readString(log);
    assertThat(out).contains("resume: from checkpoint-").contains("test accuracy");
    RunDirectory dirOfRun = RunDirectory.open(run, conf);
    SummaryFile s = RunJson.summary(dirOfRun.read("summary.json"), run);
    assertThat(s.status()).isEqualTo(SummaryFile.Status.COMPLETED);
    assertThat(s.reliability().resumes()).hasSize(1);
    nothingLost(fault, run, conf, (System.nanoTime() - faultAt) / 1e9);
  }

  @Test
  void sigterm_midEpoch_endsWith143AtARoundBoundary_andResumeFinishesTheRun() throws Exception {
    Path run = dir.resolve("sigterm");
    Path log = dir.resolve("sigterm.log");
    Process p = launch(log, train(run.toString()));
    waitFor(() -> read(log).contains("epoch 1/3"), p, log, "the first epoch end");
    Thread.sleep(1500);
    long signalled = System.nanoTime();
    p.destroy();
    assertThat(exit(p, 2, log)).as(read(log)).isEqualTo(143);
    assertThat(read(log)).contains("SIGTERM: stopping at the end of this round");
    assertThat(errorLine(log)).contains("training stopped by SIGTERM at epoch 2, round", "--resume",
        "(exit code 143: stopped by SIGTERM)");
    SummaryFile s = summary(run);
    assertThat(s.status()).isEqualTo(SummaryFile.Status.INTERRUPTED);
    assertThat(s.reached().epoch()).isEqualTo(2);
    assertThat(s.reached().epochsCompleted()).isEqualTo(1);
    RunCheckpoints.Checkpoint newest = checkpoints(run.toString(), new Configuration()).load().orElseThrow();
    assertThat(newest.entry().file()).isEqualTo(s.checkpoint());
    assertThat(newest.state().position().epoch()).isEqualTo(s.reached().epoch());
    assertThat(newest.state().position().round()).isEqualTo(s.reached().round());
    resumeCompletes("SIGTERM mid-epoch", signalled, run.toString(), dir.resolve("sigterm-resume.log"),
        new Configuration());
  }

  @Test
  void diskFull_exit7NamingTheFile_lastCheckpointIntact_andResumeOnceThereIsRoom() throws Exception {
    Path mount = Files.createDirectories(dir.resolve("tmpfs"));
    // 3 MiB: two checkpoints of the small CNN (1.2 MB each) fit, the third does not.
    sh("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mount.toString());
    try {
      Path run = mount.resolve("run");
      Path log = dir.resolve("full.log");
      Process p = launch(log, train(run.toString()));
      assertThat(exit(p, 5, log)).as(read(log)).isEqualTo(7);
      long failed = System.nanoTime();
      assertThat(errorLine(log)).contains(run.toString(), "cannot write (", "No space left on device",
          "(exit code 7: run directory could not be written)");
      RunCheckpoints.Checkpoint intact = checkpoints(run.toString(), new Configuration()).load().orElseThrow();
      assertThat(intact.state().position().round()).isPositive();
      sh("mount", "-o", "remount,size=64m", mount.toString());
      resumeCompletes("run directory full (tmpfs)", failed, run.toString(), dir.resolve("full-resume.log"),
          new Configuration());
    } finally {
      sh("umount", mount.toString());
    }
  }

  @Test
  void s3EndpointStops_exit7WithinAMinute_lastCheckpointIntact_andResumeOnceItIsBack() throws Exception {
    try (S3Proxy proxy = S3Proxy.start(dir.resolve("s3"))) {
      String run = "s3a://bucket/runs/stops";
      String[] settings = proxy.sparkSettings().entrySet().stream()
          .flatMap(e -> java.util.stream.Stream.of("--set", "spark.conf." + e.getKey() + "=" + e.getValue()))
          .toArray(String[]::new);
      Configuration conf = proxy.hadoop();
      FileSystem s3 = FileSystem.get(java.net.URI.create("s3a://bucket/"), conf);
      Path log = dir.resolve("s3.log");
      Process p = launch(log, train(run, settings));
      org.apache.hadoop.fs.Path pointer = new org.apache.hadoop.fs.Path(run + "/checkpoints/LATEST");
      waitFor(() -> exists(s3, pointer), p, log, "the first checkpoint on S3");
      proxy.kill();
      long killed = System.nanoTime();
      assertThat(exit(p, 5, log)).as(read(log)).isEqualTo(7);
      double seconds = (System.nanoTime() - killed) / 1e9;
      System.out.printf(java.util.Locale.ROOT, "reliability: S3 endpoint stopped: the run ended %.1f s after%n",
          seconds);
      assertThat(seconds).as("seconds from the endpoint's death to the run's end").isLessThan(90);
      assertThat(errorLine(log)).contains(run + "/", "cannot write (", "(exit code 7: run directory could not be written)");
      proxy.startAgain();
      assertThat(checkpoints(run, conf).load()).isPresent();
      resumeCompletes("S3 endpoint stopped (s3proxy killed)", killed, run, dir.resolve("s3-resume.log"), conf,
          settings);
    }
  }

  static RunCheckpoints checkpoints(String run, Configuration conf) {
    return new RunCheckpoints(RunDirectory.open(run, conf), 3, w -> { }, () -> 0);
  }

  static boolean exists(FileSystem fs, org.apache.hadoop.fs.Path p) {
    try {
      return fs.exists(p);
    } catch (IOException e) {
      return false;
    }
  }

  static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  static void sh(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out
        + " (the disk-full test mounts a tmpfs and so runs as root, as CI does)").isZero();
  }
}
