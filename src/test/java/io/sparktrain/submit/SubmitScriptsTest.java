package io.sparktrain.submit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.sparktrain.testing.Processes;
import org.junit.jupiter.api.Test;

/** The spark-submit wrappers' --dry-run output: the flags this stack needs, and no secret in sight. */
class SubmitScriptsTest {
  static Processes.Result script(String name, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("submit-scripts/" + name));
    command.addAll(List.of(args));
    return Processes.run(command, env, 1);
  }

  @Test
  void local_dryRun_setsThreadsMemoryAndTimeSource() throws Exception {
    Processes.Result r = script("submit-local.sh", Map.of(), "--config", "conf/fashion-mnist-sample.conf", "--threads", "2",
        "--executor-memory", "4g", "--dry-run", "--skip-doctor");
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out()).contains("--master local\\[2\\]").contains("--class io.sparktrain.cli.Main")
        .contains("spark.executorEnv.OMP_NUM_THREADS=1").contains("spark.task.cpus=1")
        .contains("-Dorg.bytedeco.javacpp.maxbytes=4096m").contains("-Dorg.bytedeco.javacpp.maxphysicalbytes=9216m")
        .contains("spark.executor.memoryOverhead=5120m")
        .contains("org.deeplearning4j.spark.time.SystemClockTimeSource")
        .contains("spark.serializer=org.apache.spark.serializer.JavaSerializer")
        .contains("train --config conf/fashion-mnist-sample.conf");
  }

  @Test
  void local_dryRun_runsDoctorFirst() throws Exception {
    Processes.Result r = script("submit-local.sh", Map.of(), "--config", "conf/fashion-mnist-sample.conf", "--dry-run");
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out().indexOf(" doctor --config")).isPositive().isLessThan(r.out().indexOf(" train --config"));
  }

  @Test
  void standalone_secretFromEnvironment_neverPrinted() throws Exception {
    Processes.Result r = script("submit-standalone.sh", Map.of("SPARKTRAIN_AUTH_SECRET", "s3cr3t-value"),
        "--master", "spark://10.0.0.1:7077", "--config", "conf/fashion-mnist-sample.conf", "--dry-run",
        "--skip-doctor", "--task-cpus", "2", "--executor-cores", "4", "--set", "train.epochs=3");
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out()).contains("spark.authenticate=true").contains("spark.network.crypto.enabled=true")
        .contains("spark.executorEnv.OMP_NUM_THREADS=2").contains("spark.task.cpus=2")
        .contains("--set train.epochs=3").doesNotContain("s3cr3t-value");
  }

  @Test
  void standalone_withoutSecret_refusesUnlessNoAuth() throws Exception {
    Processes.Result r = script("submit-standalone.sh", Map.of(), "--master", "spark://h:7077", "--config",
        "conf/fashion-mnist-sample.conf", "--dry-run");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).contains("SPARKTRAIN_AUTH_SECRET is not set");
    Processes.Result insecure = script("submit-standalone.sh", Map.of(), "--master", "spark://h:7077", "--config",
        "conf/fashion-mnist-sample.conf", "--dry-run", "--no-auth", "--skip-doctor");
    assertThat(insecure.code()).as(insecure.out()).isZero();
    assertThat(insecure.out()).contains("warning: authentication and encryption are off")
        .doesNotContain("spark.authenticate=true");
  }

  @Test
  void yarn_clusterMode_queueKerberosAndShippedConfig() throws Exception {
    Processes.Result r = script("submit-yarn.sh", Map.of(), "--config", "conf/fashion-mnist.conf", "--output",
        "hdfs:///runs/x", "--queue", "ml", "--principal", "me@EXAMPLE.COM", "--keytab", "/etc/me.keytab",
        "--num-executors", "4", "--dry-run", "--skip-doctor");
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out()).contains("--master yarn --deploy-mode cluster").contains("--queue ml")
        .contains("--principal me@EXAMPLE.COM --keytab /etc/me.keytab").contains("--num-executors 4")
        .contains("spark.io.encryption.enabled=true").contains("--files ")
        .contains("train --config sparktrain-job.conf --output hdfs:///runs/x")
        .contains(" config --config conf/fashion-mnist.conf");
  }

  @Test
  void yarn_clusterModeLocalOutput_refused() throws Exception {
    Processes.Result r = script("submit-yarn.sh", Map.of(), "--config", "conf/fashion-mnist.conf", "--output", "runs/x", "--dry-run");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).contains("use an hdfs: or s3a: URI");
  }

  @Test
  void k8s_gpuImageNamespaceTemplatesAndSecrets() throws Exception {
    Processes.Result r = script("submit-k8s.sh", Map.of(), "--master", "k8s://https://10.0.0.1:6443", "--image", "reg/sparktrain:1",
        "--namespace", "ml", "--service-account", "trainer", "--gpus", "1", "--s3-secret", "s3-credentials",
        "--config", "local:///opt/sparktrain/conf/fashion-mnist.conf", "--output", "s3a://b/runs/x",
        "--dry-run", "--skip-doctor");
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out()).contains("--deploy-mode cluster").contains("spark.kubernetes.container.image=reg/sparktrain:1")
        .contains("spark.kubernetes.namespace=ml")
        .contains("spark.kubernetes.authenticate.driver.serviceAccountName=trainer")
        .contains("driver-pod-template.yaml").contains("executor-pod-template.yaml")
        .contains("spark.executor.resource.gpu.amount=1").contains("getGpusResources.sh")
        .contains("spark.kubernetes.executor.secrets.s3-credentials=/mnt/secrets/s3")
        .contains("spark.authenticate.secret.file=/mnt/secrets/spark-auth/secret")
        .contains("spark.kubernetes.executor.secrets.sparktrain-auth=/mnt/secrets/spark-auth")
        .contains("spark.io.encryption.enabled=true").doesNotContain("secretKeyRef")
        .contains("local:///opt/sparktrain/sparktrain.jar")
        .contains("train --config /opt/sparktrain/conf/fashion-mnist.conf --output s3a://b/runs/x");
  }

  @Test
  void k8s_preflightRunsTheLocalJar_withTheUsersExecutorSettingsOnly() throws Exception {
    Processes.Result r = script("submit-k8s.sh", Map.of(), "--master", "k8s://https://10.0.0.1:6443", "--image",
        "reg/sparktrain:1", "--config", "conf/fashion-mnist.conf", "--upload-path", "s3a://b/upload",
        "--conf", "spark.executor.memoryOverhead=64m", "--conf", "spark.kubernetes.node.selector.pool=gpu", "--dry-run");
    assertThat(r.code()).as(r.out()).isZero();
    List<String> lines = r.out().lines().toList();
    String preflight = lines.get(lines.indexOf("# preflight") + 1);
    assertThat(preflight).contains(Path.of("target", "sparktrain.jar").toAbsolutePath() + " doctor")
        .doesNotContain("local:///").contains("spark.executor.memoryOverhead=64m")
        .doesNotContain("spark.kubernetes.node.selector.pool");
    assertThat(lines.get(lines.size() - 1)).contains("local:///opt/sparktrain/sparktrain.jar train")
        .contains("spark.kubernetes.node.selector.pool=gpu");
  }

  /** Each script with the options it needs to print a submission, and an --output of the kind it accepts. */
  static final Map<String, List<String>> SCRIPTS = Map.of(
      "submit-local.sh", List.of("--config", "conf/fashion-mnist-sample.conf", "--output", "runs/x"),
      "submit-standalone.sh", List.of("--master", "spark://h:7077", "--no-auth", "--config",
          "conf/fashion-mnist-sample.conf", "--output", "hdfs://nn:8020/runs/x"),
      "submit-yarn.sh", List.of("--config", "conf/fashion-mnist.conf", "--set", "train.epochs=2", "--output",
          "hdfs:///runs/x"),
      "submit-k8s.sh", List.of("--master", "k8s://https://10.0.0.1:6443", "--image", "reg/sparktrain:1",
          "--config", "conf/fashion-mnist.conf", "--upload-path", "s3a://b/upload", "--output", "s3a://b/runs/x"));

  /** The submission's command line: the last line a dry run prints. */
  static String submitLine(String name, String... more) throws Exception {
    List<String> args = new ArrayList<>(SCRIPTS.get(name));
    args.addAll(List.of("--dry-run", "--skip-doctor"));
    args.addAll(List.of(more));
    Processes.Result r = script(name, Map.of(), args.toArray(String[]::new));
    assertThat(r.code()).as(name + "\n" + r.out()).isZero();
    return r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
  }

  @Test
  void everyScript_withOutput_trainResumesUnlessFresh() throws Exception {
    for (String name : SCRIPTS.keySet()) {
      List<String> args = SCRIPTS.get(name);
      String output = args.get(args.indexOf("--output") + 1);
      assertThat(submitLine(name)).as(name).endsWith(" train --config " + trainConfig(name)
          + " --output " + output + " --resume");
      assertThat(submitLine(name, "--fresh")).as(name + " --fresh").endsWith(" --output " + output)
          .doesNotContain("--resume");
    }
  }

  private static String trainConfig(String name) {
    return name.equals("submit-yarn.sh") || name.equals("submit-k8s.sh") ? "sparktrain-job.conf"
        : "conf/fashion-mnist-sample.conf";
  }

  @Test
  void local_withoutOutput_noResume() throws Exception {
    Processes.Result r = script("submit-local.sh", Map.of(), "--config", "conf/fashion-mnist-sample.conf",
        "--dry-run", "--skip-doctor");
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out()).endsWith("train --config conf/fashion-mnist-sample.conf\n").doesNotContain("--resume");
  }

  @Test
  void yarn_reattemptOnlyWhenItResumes() throws Exception {
    assertThat(submitLine("submit-yarn.sh")).contains("spark.yarn.maxAppAttempts=2");
    assertThat(submitLine("submit-yarn.sh", "--deploy-mode", "client")).contains("spark.yarn.maxAppAttempts=2")
        .endsWith(" train --config conf/fashion-mnist.conf --set train.epochs=2 --output hdfs:///runs/x --resume");
    assertThat(submitLine("submit-yarn.sh", "--fresh")).contains("spark.yarn.maxAppAttempts=1");
  }

  @Test
  void sparkApplication_restartedOnFailure_resumes() throws Exception {
    String yaml = Files.readString(Path.of("submit-scripts/k8s/sparktrain-sparkapplication.yaml"));
    assertThat(yaml).contains("type: OnFailure");
    String arguments = yaml.substring(yaml.indexOf("\n  arguments:"), yaml.indexOf("\n  sparkVersion:"));
    assertThat(arguments.lines().map(String::strip).filter(l -> l.startsWith("- ")))
        .containsExactly("- train", "- --config", "- /opt/sparktrain/conf/fashion-mnist.conf", "- --output",
            "- s3a://models/runs/fashion-mnist", "- --resume");
  }

  @Test
  void badArguments_exit2WithMessage() throws Exception {
    Processes.Result r = script("submit-local.sh", Map.of(), "--config", "conf/x.conf", "--bogus");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).contains("unknown option '--bogus'");
    Processes.Result noConfig = script("submit-local.sh", Map.of(), "--dry-run");
    assertThat(noConfig.code()).isEqualTo(2);
    assertThat(noConfig.out()).contains("--config FILE is required");
  }

  @Test
  void printedCommand_masksSecretLookingSettings() throws Exception {
    Processes.Result r = script("submit-local.sh", Map.of(), "--config", "conf/fashion-mnist-sample.conf", "--dry-run",
        "--skip-doctor", "--conf", "spark.hadoop.fs.s3a.secret.key=abc123");
    assertThat(r.out()).contains("spark.hadoop.fs.s3a.secret.key=\\*\\*\\*\\*\\*\\*").doesNotContain("abc123");
  }
}
