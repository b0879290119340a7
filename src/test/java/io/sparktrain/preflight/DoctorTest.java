package io.sparktrain.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorTest {
  @TempDir
  Path dir;

  private static final JobConfig SAMPLE = ConfigLoader.load(new File("conf/fashion-mnist-sample.conf"), List.of());
  private static final JobConfig S3_JOB =
      ConfigLoader.load(new File("conf/fashion-mnist-sample.conf"), List.of("data.train=s3a://b/x.gz"));
  private static final String OPTS = "-Dorg.bytedeco.javacpp.maxbytes=4096m";

  private Doctor doctor(JobConfig job, String output, String master, String memory, Map<String, String> conf) {
    return new Doctor(new Doctor.Target(job, output, master, memory, null, conf), 5);
  }

  @Test
  void run_sampleJobLocally_passesEveryCheck() {
    List<Verdict> verdicts = doctor(SAMPLE, dir.resolve("run").toString(), "local[2]", null, Map.of()).run();
    assertThat(verdicts).extracting(Verdict::check)
        .containsExactly("java", "nd4j", "memory", "input", "output", "master", "credentials");
    assertThat(verdicts).noneMatch(v -> v.status() == Verdict.Status.FAIL);
    assertThat(verdicts.get(1).message()).startsWith("CPU backend CpuBackend");
    assertThat(verdicts.get(3).message()).startsWith("4 paths readable");
  }

  @Test
  void memory_overheadBelowOffheap_fails() {
    Verdict v = doctor(null, null, "yarn", "4g",
        Map.of("spark.executor.memoryOverhead", "1g", "spark.executor.extraJavaOptions", OPTS)).memory();
    assertThat(v.status()).isEqualTo(Verdict.Status.FAIL);
    assertThat(v.message()).contains("spark.executor.memoryOverhead is 1.0 GiB: raise it");
  }

  @Test
  void memory_noOffheapLimitOnExecutors_fails() {
    Verdict v = doctor(null, null, "yarn", "4g", Map.of("spark.executor.memoryOverhead", "5g")).memory();
    assertThat(v.status()).isEqualTo(Verdict.Status.FAIL);
    assertThat(v.message()).contains("sets no -Dorg.bytedeco.javacpp.maxbytes");
  }

  @Test
  void memory_sized_ok() {
    Verdict v = doctor(null, null, "yarn", "4g",
        Map.of("spark.executor.memoryOverhead", "5120m", "spark.executor.extraJavaOptions", OPTS)).memory();
    assertThat(v.status()).isEqualTo(Verdict.Status.OK);
  }

  @Test
  void input_missingFile_failsNamingIt() throws IOException {
    JobConfig job = ConfigLoader.load(new File("conf/fashion-mnist-sample.conf"), List.of("data.test=nope.gz"));
    Verdict v = doctor(job, null, null, null, Map.of()).input();
    assertThat(v.status()).isEqualTo(Verdict.Status.FAIL);
    assertThat(v.message()).isEqualTo("nope.gz: no such file or folder");
  }

  @Test
  void output_underAFile_notWritable() throws IOException {
    Verdict v = doctor(null, "README.md/run", null, null, Map.of()).output();
    assertThat(v.status()).isEqualTo(Verdict.Status.FAIL);
    assertThat(v.message()).startsWith("README.md/run: not writable");
  }

  @Test
  void master_closedPort_failsReachable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Verdict v = doctor(null, null, "spark://127.0.0.1:" + port, null, Map.of()).master();
    assertThat(v.status()).isEqualTo(Verdict.Status.FAIL);
    assertThat(v.message()).isEqualTo("spark://127.0.0.1:" + port + ": no connection to 127.0.0.1:" + port);
  }

  @Test
  void master_listening_ok() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      Verdict v = doctor(null, null, "spark://127.0.0.1:" + s.getLocalPort(), null, Map.of()).master();
      assertThat(v.status()).isEqualTo(Verdict.Status.OK);
    }
  }

  /** A doctor that sees exactly the environment and home folder given, not this machine's. */
  private Doctor doctor(JobConfig job, Map<String, String> conf, Map<String, String> env) {
    return new Doctor(new Doctor.Target(job, null, null, null, null, conf), 5, env, dir.resolve("home"));
  }

  @Test
  void credentials_s3WithoutAny_failsWithoutPrintingValues() {
    Verdict v = doctor(S3_JOB, Map.of("spark.hadoop.fs.s3a.access.key", "AKIAEXAMPLE"), Map.of()).credentials();
    assertThat(v.status()).isEqualTo(Verdict.Status.FAIL);
    assertThat(v.message()).startsWith("s3a: paths are used but no credentials were found").doesNotContain("AKIAEXAMPLE");
    Verdict ok = doctor(S3_JOB, Map.of("spark.hadoop.fs.s3a.access.key", "AKIAEXAMPLE",
        "spark.hadoop.fs.s3a.secret.key", "s3cr3t"), Map.of()).credentials();
    assertThat(ok.status()).isEqualTo(Verdict.Status.OK);
    assertThat(ok.message()).isEqualTo("S3 credentials present (fs.s3a.access.key and fs.s3a.secret.key)")
        .doesNotContain("s3cr3t");
  }

  @Test
  void credentials_s3FromEnvironmentOrAwsFolder_ok() throws IOException {
    Verdict fromEnv = doctor(S3_JOB, Map.of(),
        Map.of("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY", "s3cr3t")).credentials();
    assertThat(fromEnv.message()).isEqualTo("S3 credentials present (environment)");
    Files.createDirectories(dir.resolve("home/.aws"));
    Files.writeString(dir.resolve("home/.aws/credentials"), "[default]\n");
    Verdict fromFile = doctor(S3_JOB, Map.of(), Map.of()).credentials();
    assertThat(fromFile.message()).isEqualTo("S3 credentials present (~/.aws/credentials)");
  }
}
