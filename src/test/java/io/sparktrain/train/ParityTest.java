package io.sparktrain.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.augment.AugmentPipeline;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.data.BatchFiles;
import io.sparktrain.data.Example;
import io.sparktrain.data.Shape;
import io.sparktrain.model.ModelFactory;
import io.sparktrain.testing.TestSpark;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The dl4j-spark layer against plain DL4J: one Spark worker training the exported minibatches through
 * sparktrain's rounds (dl4j-spark's parameter averaging, updater state carried between rounds) must end
 * where a plain single-JVM network ends after fitting the same minibatch files in the same order, from
 * the same initial parameters, over several rounds and epochs. With one worker, averaging is the identity;
 * anything else that differs is a defect of that layer. (Dropout is left out: its masks come from each
 * thread's own generator, so a worker and the plain network draw different ones by design.)
 */
class ParityTest {
  @TempDir
  Path dir;

  private JobConfig job(String layers, String updater) throws IOException {
    return job(layers, updater, "format = csv, train = unused.csv");
  }

  /** A job of these layers and updater; {@code source} says what the data are (never read). */
  private JobConfig job(String layers, String updater, String source) throws IOException {
    Path conf = Files.writeString(dir.resolve("parity.conf"), "seed = 11\n"
        + "data { " + source + ", numClasses = 3, normalization = none }\n"
        + "model { layers = " + layers + "\n  updater " + updater + " }\n"
        + "train { batchSizePerWorker = 16, averagingFrequency = 3 }\n");
    return ConfigLoader.load(conf.toFile(), List.of());
  }

  /** 400 rows of 8 features, three classes told apart by the sign of two sums, and some noise. */
  private static List<Example> rows() {
    Random r = new Random(3);
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      float[] x = new float[8];
      for (int f = 0; f < 8; f++) {
        x[f] = (float) r.nextGaussian();
      }
      int label = x[0] + x[1] > 0.5 ? 0 : x[2] - x[3] > 0 ? 1 : 2;
      out.add(new Example(x, label));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"adam", "nesterovs", "sgd"})
  void oneSparkWorker_endsWhereAPlainNetworkDoes_onTheSameMinibatchesInTheSameOrder(String updater) throws Exception {
    JobConfig job = job("[{ type = dense, units = 12, activation = relu }, { type = output }]",
        "{ type = " + updater + ", learningRate = 0.05 }");
    assertParity(job, updater, Shape.features(8), rows(), 25);
  }

  /** The shipped kind of network: convolution and pooling (oneDNN's helpers where they are on), batch norm, Adam. */
  @org.junit.jupiter.api.Test
  void oneSparkWorker_endsWhereAPlainNetworkDoes_forAConvolutionalNetwork() throws Exception {
    JobConfig job = job("[{ type = conv, filters = 4, kernel = [3, 3], activation = relu }, { type = batchnorm },"
        + " { type = subsampling }, { type = output }]", "{ type = adam, learningRate = 0.01 }",
        "format = idx, train = unused-images, trainLabels = unused-labels");
    List<Example> images = new ArrayList<>();
    Random r = new Random(8);
    for (int i = 0; i < 180; i++) {
      float[] x = new float[64];
      int label = i % 3;
      for (int p = 0; p < 64; p++) {
        x[p] = (float) (r.nextGaussian() * 0.3 + (p % 8 == label * 3 ? 1 : 0));
      }
      images.add(new Example(x, label));
    }
    assertParity(job, "adam, conv", Shape.image(8, 8, 1), images, 12);
  }

  private void assertParity(JobConfig job, String updater, Shape shape, List<Example> examples, int expectedFiles)
      throws Exception {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
    List<String> files = BatchFiles.export(sc.parallelize(examples, 2).zipWithIndex(), 16, 3, shape,
        dir.resolve("batches").toString(), sc.broadcast(new SerializableHadoopConfig(sc.hadoopConfiguration())));
    assertThat(files).as("minibatches of 16 across the 2 partitions: only the last may be short")
        .hasSize(expectedFiles);

    MultiLayerNetwork plain = new MultiLayerNetwork(ModelFactory.build(job.model(), shape, 3, job.seed()));
    plain.init();
    INDArray initial = plain.params().dup();
    MultiLayerNetwork start = plain.clone();
    RoundTracker tracker = new RoundTracker(sc, false, job.seed());
    SparkNetwork spark = new SparkNetwork(sc, start, job.train(), tracker, null, null, false, 1, job.seed());
    ExportedBatches source = new ExportedBatches(sc, files, AugmentPipeline.of(List.of(), shape, job.seed(), null),
        job.seed(), 1, job.train().averagingFrequency(), () -> { });
    FileSystem fs = FileSystem.get(sc.hadoopConfiguration());
    int rounds = 0;
    for (int epoch = 1; epoch <= 2; epoch++) {
      tracker.startEpoch(epoch, source.rounds(epoch), 0);
      for (int round = 0; round < source.rounds(epoch); round++) {
        source.fit(spark, epoch, round);
        for (String file : source.slice(epoch, round)) {
          try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(file))) {
            plain.fit(BatchFiles.read(in, file));
          }
        }
        rounds++;
        assertThat(maxDifference(spark.network().params(), plain.params()))
            .as("parameters after round %d of epoch %d (%s)", round, epoch, updater).isLessThan(1e-6);
      }
    }
    assertThat(rounds).isEqualTo(2 * ((expectedFiles + 2) / 3));
    INDArray sparkState = spark.network().getUpdater().getStateViewArray();
    INDArray plainState = plain.getUpdater().getStateViewArray();
    if (updater.startsWith("sgd")) {
      assertThat(plainState).isNull();
      assertThat(sparkState).isNull();
    } else {
      assertThat(maxDifference(sparkState, plainState)).as("updater state (%s)", updater).isLessThan(1e-6);
    }
    assertThat(maxDifference(spark.network().params(), initial))
        .as("the network trained at all").isGreaterThan(0.01);
  }

  private static double maxDifference(INDArray a, INDArray b) {
    return a.sub(b).amax().getDouble(0);
  }
}
