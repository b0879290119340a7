package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparktrain.cli.TrainRun;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.testing.S3Proxy;
import java.io.File;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real S3 API: s3proxy (its filesystem backend) started as its own process on loopback, reached
 * through hadoop-aws's s3a:// with path-style access. The sample job reads its data from a bucket and
 * writes its run directory there; the credentials never reach config.resolved.conf.
 */
class S3IT {
  @TempDir
  static Path dir;

  static S3Proxy proxy;
  static String endpoint;
  static FileSystem s3;

  @BeforeAll
  static void startS3() throws Exception {
    proxy = S3Proxy.start(dir);
    endpoint = proxy.endpoint();
    s3 = FileSystem.get(URI.create("s3a://bucket/"), proxy.hadoop());
    for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz")) {
      try (var out = s3.create(new org.apache.hadoop.fs.Path("s3a://bucket/data/fashion-mnist/" + f))) {
        Files.copy(Path.of("sample-data/fashion-mnist", f), out);
      }
    }
  }

  @AfterAll
  static void stopS3() {
    if (proxy != null) {
      proxy.close();
    }
  }

  static java.util.Map<String, String> s3aSettings() {
    return proxy.sparkSettings();
  }

  @Test
  void sampleJob_readsFromS3_writesItsRunDirectoryToS3_credentialsMasked() throws Exception {
    String data = "s3a://bucket/data/fashion-mnist/";
    List<String> overrides = new ArrayList<>(List.of("data.train=" + data + "train-images-idx3-ubyte.gz",
        "data.trainLabels=" + data + "train-labels-idx1-ubyte.gz", "data.test=" + data + "t10k-images-idx3-ubyte.gz",
        "data.testLabels=" + data + "t10k-labels-idx1-ubyte.gz", "train.epochs=2", "spark.conf.spark.ui.enabled=false"));
    s3aSettings().forEach((k, v) -> overrides.add("spark.conf." + k + "=" + v));
    JobConfig job = ConfigLoader.load(new File("conf/fashion-mnist-sample.conf"), overrides);
    String run = "s3a://bucket/runs/sample";
    TrainRun.Result r = new TrainRun(job, run, "local[2]", new PrintWriter(new StringWriter())).execute();
    assertThat(r.testExamples()).isEqualTo(1000);
    assertThat(r.testAccuracy()).isGreaterThan(0.7);
    for (String f : List.of("model.zip", "summary.json", "metrics.jsonl", "report.html", "config.resolved.conf")) {
      assertThat(s3.exists(new org.apache.hadoop.fs.Path(run + "/" + f))).as(f).isTrue();
    }
    JsonNode s;
    try (InputStream in = s3.open(new org.apache.hadoop.fs.Path(run + "/summary.json"))) {
      s = new ObjectMapper().readTree(in);
    }
    assertThat(s.at("/data/sources/train").asText()).isEqualTo(data + "train-images-idx3-ubyte.gz");
    String resolved;
    try (InputStream in = s3.open(new org.apache.hadoop.fs.Path(run + "/config.resolved.conf"))) {
      resolved = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(resolved).contains(endpoint, "key=\"******\"").doesNotContain(S3Proxy.SECRET).doesNotContain(S3Proxy.ACCESS);
  }

  /**
   * The S3 keys as submit-k8s.sh hands them to pods: an AWS credentials file (mounted from a Kubernetes
   * secret), its path in AWS_CREDENTIAL_PROFILES_FILE and S3A's credentials provider set to the profile
   * one. Hadoop's own file system shell, in a JVM of its own with that environment and Spark's jars, lists
   * the data through the proxy with them, and is refused with a wrong key.
   */
  @Test
  void credentialsFromAMountedAwsCredentialsFile_asOnKubernetes() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path good = Files.writeString(dir.resolve("credentials"), "[default]\naws_access_key_id = " + S3Proxy.ACCESS
        + "\naws_secret_access_key = " + S3Proxy.SECRET + "\n");
    Path wrong = Files.writeString(dir.resolve("credentials-wrong"), "[default]\naws_access_key_id = "
        + S3Proxy.ACCESS + "\naws_secret_access_key = not-the-secret\n");
    assertThat(listData(home, good)).satisfies(r -> assertThat(r.code()).as(r.out()).isZero())
        .satisfies(r -> assertThat(r.out()).contains("s3a://bucket/data/fashion-mnist/train-images-idx3-ubyte.gz"));
    assertThat(listData(home, wrong)).satisfies(r -> assertThat(r.code()).as(r.out()).isNotZero())
        .satisfies(r -> assertThat(r.out()).contains("403"));
  }

  static io.sparktrain.testing.Processes.Result listData(Path home, Path credentials) throws Exception {
    // The shell insists on a core-site.xml on its class path; everything is given with -D.
    Path conf = Files.createDirectories(dir.resolve("hadoop-conf"));
    Files.writeString(conf.resolve("core-site.xml"), "<configuration/>\n");
    List<String> command = new ArrayList<>(List.of("java", "-cp",
        conf + ":" + Path.of("target", "spark-jars").toAbsolutePath() + "/*", "org.apache.hadoop.fs.FsShell"));
    s3aSettings().forEach((k, v) -> {
      String key = k.substring("spark.hadoop.".length());
      if (!key.equals("fs.s3a.access.key") && !key.equals("fs.s3a.secret.key")
          && !key.equals("fs.s3a.aws.credentials.provider")) {
        command.addAll(List.of("-D", key + "=" + v));
      }
    });
    command.addAll(List.of("-D", "fs.s3a.aws.credentials.provider=com.amazonaws.auth.profile.ProfileCredentialsProvider",
        "-D", "fs.s3a.attempts.maximum=1", "-D", "fs.s3a.retry.limit=1", "-ls", "s3a://bucket/data/fashion-mnist/"));
    return io.sparktrain.testing.Processes.run(command,
        java.util.Map.of("AWS_CREDENTIAL_PROFILES_FILE", credentials.toString(), "HOME", home.toString()), 2);
  }
}
