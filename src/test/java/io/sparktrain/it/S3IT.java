package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparktrain.cli.TrainRun;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import java.io.File;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
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

  static final String ACCESS = "sparktrain-test-access";
  static final String SECRET = "sparktrain-test-secret-0123456789";
  static Process proxy;
  static String endpoint;
  static FileSystem s3;

  @BeforeAll
  static void startS3() throws Exception {
    Path jar = Path.of("target/s3proxy/s3proxy.jar");
    assertThat(jar).as("copied by the build (maven-dependency-plugin, execution s3proxy)").isRegularFile();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    endpoint = "http://127.0.0.1:" + port;
    Path store = Files.createDirectories(dir.resolve("store/bucket"));
    Path properties = Files.writeString(dir.resolve("s3proxy.conf"), String.join("\n",
        "s3proxy.endpoint=" + endpoint,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS,
        "s3proxy.credential=" + SECRET,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + store.getParent(), ""), StandardCharsets.UTF_8);
    proxy = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        jar.toString(), "--properties", properties.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
    long deadline = System.nanoTime() + 90_000_000_000L;
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        break;
      } catch (java.io.IOException e) {
        if (System.nanoTime() > deadline || !proxy.isAlive()) {
          throw new AssertionError("s3proxy did not start: " + Files.readString(dir.resolve("s3proxy.log")), e);
        }
        Thread.sleep(200);
      }
    }
    Configuration conf = new Configuration();
    s3aSettings().forEach((k, v) -> conf.set(k.substring("spark.hadoop.".length()), v));
    s3 = FileSystem.get(URI.create("s3a://bucket/"), conf);
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
      proxy.destroy();
    }
  }

  static java.util.Map<String, String> s3aSettings() {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put("spark.hadoop.fs.s3a.endpoint", endpoint);
    m.put("spark.hadoop.fs.s3a.path.style.access", "true");
    m.put("spark.hadoop.fs.s3a.connection.ssl.enabled", "false");
    m.put("spark.hadoop.fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    m.put("spark.hadoop.fs.s3a.access.key", ACCESS);
    m.put("spark.hadoop.fs.s3a.secret.key", SECRET);
    m.put("spark.hadoop.fs.s3a.change.detection.version.required", "false");
    // Keep directory markers: S3A otherwise deletes the parent "directory" markers after every write, a
    // bulk DELETE that s3proxy's filesystem store answers only after S3A's 200 s socket timeout.
    m.put("spark.hadoop.fs.s3a.directory.marker.retention", "keep");
    return m;
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
    assertThat(resolved).contains(endpoint, "key=\"******\"").doesNotContain(SECRET).doesNotContain(ACCESS);
  }
}
