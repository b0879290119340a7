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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real HDFS (MiniDFSCluster: a NameNode and a DataNode on loopback, in this JVM): the sample job reads
 * its IDX files from hdfs:// and writes its run directory there; augment writes Parquet to hdfs:// and
 * a job trains from it.
 */
class HdfsIT {
  @TempDir
  static Path dir;

  static MiniDFSCluster cluster;
  static String hdfs;
  static FileSystem fs;

  @BeforeAll
  static void startHdfs() throws Exception {
    cluster = io.sparktrain.testing.Hdfs.start(dir.resolve("hdfs"));
    hdfs = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    fs = cluster.getFileSystem();
    for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz")) {
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path("sample-data/fashion-mnist/" + f),
          new org.apache.hadoop.fs.Path("/data/fashion-mnist/" + f));
    }
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  static JobConfig sampleOnHdfs(String... overrides) {
    String data = hdfs + "/data/fashion-mnist/";
    List<String> all = new ArrayList<>(List.of("data.train=" + data + "train-images-idx3-ubyte.gz",
        "data.trainLabels=" + data + "train-labels-idx1-ubyte.gz", "data.test=" + data + "t10k-images-idx3-ubyte.gz",
        "data.testLabels=" + data + "t10k-labels-idx1-ubyte.gz", "spark.conf.spark.ui.enabled=false"));
    all.addAll(List.of(overrides));
    return ConfigLoader.load(new File("conf/fashion-mnist-sample.conf"), all);
  }

  static JsonNode json(String uri) throws Exception {
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(uri))) {
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void sampleJob_readsFromHdfs_writesItsRunDirectoryToHdfs() throws Exception {
    String run = hdfs + "/runs/sample";
    StringWriter console = new StringWriter();
    TrainRun.Result r = new TrainRun(sampleOnHdfs("train.epochs=2"), run, "local[2]",
        new PrintWriter(console, true)).execute();
    assertThat(r.runDirectory()).isEqualTo(run);
    assertThat(r.testExamples()).isEqualTo(1000);
    assertThat(r.testAccuracy()).isGreaterThan(0.7);
    for (String f : List.of("model.zip", "summary.json", "metrics.jsonl", "report.html", "config.resolved.conf")) {
      assertThat(fs.exists(new org.apache.hadoop.fs.Path(run + "/" + f))).as(f).isTrue();
    }
    JsonNode s = json(run + "/summary.json");
    assertThat(s.at("/data/sources/train").asText()).startsWith("hdfs://127.0.0.1:");
    assertThat(s.at("/status").asText()).isEqualTo("completed");
    assertThat(fs.listStatus(new org.apache.hadoop.fs.Path(run))).extracting(st -> st.getPath().getName())
        .noneMatch(n -> n.contains(".tmp-"));
  }

  @Test
  void augmentToHdfsParquet_thenTrainFromIt_runDirectoryOnHdfs() throws Exception {
    String expanded = hdfs + "/data/expanded";
    long rows = new io.sparktrain.cli.AugmentRun(sampleOnHdfs("data.trainPerClass=20",
        "augment.ops=[{type = flip}, {type = shift}]"), "local[2]", new PrintWriter(new StringWriter()))
        .execute(1, expanded);
    assertThat(rows).isEqualTo(400);
    JobConfig fromParquet = ConfigLoader.load(new File("conf/fashion-mnist-sample.conf"), List.of(
        "data.format=parquet", "data.train=" + expanded, "data.trainLabels=", "data.test=", "data.testLabels=",
        "data.parquet.features=[features]", "data.parquet.imageShape=[28, 28, 1]", "data.normalization=none",
        "train.epochs=1", "spark.conf.spark.ui.enabled=false"));
    String run = hdfs + "/runs/from-parquet";
    new TrainRun(fromParquet, run, "local[2]", new PrintWriter(new StringWriter())).execute();
    assertThat(json(run + "/summary.json").at("/data/sources/train").asText()).isEqualTo(expanded);
  }

  /**
   * A retried export task on HDFS while the dead attempt (another client, here a second FileSystem
   * instance) still holds the lease on the file it was writing: the retry writes its own file and
   * renames it into place, every minibatch reads back whole, and deleting the folder removes the dead
   * attempt's file too.
   */
  @Test
  void export_whileADeadAttemptHoldsALease_writesEveryMinibatch_andTheFolderStillGoes() throws Exception {
    String dir = hdfs + "/export/lease";
    org.apache.hadoop.fs.Path held = new org.apache.hadoop.fs.Path(dir + "/.batch-000000000000.bin.attempt-7");
    FileSystem deadAttempt = FileSystem.newInstance(java.net.URI.create(hdfs), fs.getConf());
    org.apache.hadoop.fs.FSDataOutputStream open = deadAttempt.create(held, true);
    open.write(new byte[] {1, 2, 3});
    open.hflush();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(io.sparktrain.testing.TestSpark.session().sparkContext());
    java.util.Random r = new java.util.Random(1);
    List<io.sparktrain.data.Example> examples = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      float[] x = new float[4];
      for (int j = 0; j < 4; j++) {
        x[j] = r.nextFloat();
      }
      examples.add(new io.sparktrain.data.Example(x, i % 3));
    }
    List<String> files = io.sparktrain.data.BatchFiles.export(sc.parallelize(examples, 2).zipWithIndex(), 16, 3,
        io.sparktrain.data.Shape.features(4), dir,
        sc.broadcast(new org.datavec.spark.util.SerializableHadoopConfig(fs.getConf())));
    long total = 0;
    for (String f : files) {
      org.nd4j.linalg.dataset.DataSet ds = new org.nd4j.linalg.dataset.DataSet();
      try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(f))) {
        ds.load(in);
      }
      total += ds.numExamples();
    }
    assertThat(total).isEqualTo(100);
    assertThat(fs.listStatus(new org.apache.hadoop.fs.Path(dir))).extracting(st -> st.getPath().getName())
        .filteredOn(n -> n.contains(".attempt-")).containsExactly(held.getName());
    io.sparktrain.data.ExportFolder.at(dir, fs.getConf()).delete(w -> { throw new AssertionError(w); });
    assertThat(fs.exists(new org.apache.hadoop.fs.Path(dir))).isFalse();
    org.apache.hadoop.io.IOUtils.closeStream(open);
    org.apache.hadoop.io.IOUtils.closeStream(deadAttempt);
  }
}
