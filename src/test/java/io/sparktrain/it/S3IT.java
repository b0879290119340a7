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
}
