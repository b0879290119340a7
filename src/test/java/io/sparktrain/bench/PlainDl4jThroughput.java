package io.sparktrain.bench;

import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.data.Batches;
import io.sparktrain.data.Example;
import io.sparktrain.data.IdxReader;
import io.sparktrain.model.ModelFactory;
import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The baseline of bench/throughput.sh: the job's network and training split fitted by plain DL4J in one
 * JVM ({@code MultiLayerNetwork.fit} on minibatches of the same size), no Spark. Prints one line per
 * epoch: {@code epoch N examples E seconds S examples/s R}.
 *
 * <p>Usage: PlainDl4jThroughput JOB_CONF EPOCHS ({@code -Dbench.opProfile=true}: ND4J's op profiler on the
 * last epoch, its dashboard printed at the end)
 */
public final class PlainDl4jThroughput {
  private PlainDl4jThroughput() {}

  public static void main(String[] args) {
    JobConfig job = ConfigLoader.load(new File(args[0]), List.of());
    int epochs = Integer.parseInt(args[1]);
    IdxReader.IdxImages images = IdxReader.read(job.data().train(), job.data().trainLabels(),
        job.data().numClasses(), new Configuration());
    // The same share of the training file that sparktrain trains on (the rest is its validation split).
    int n = (int) Math.round(images.images().size() * (1 - job.data().validationFraction()));
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < images.images().size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(job.seed()));
    int batchSize = job.train().batchSizePerWorker();
    List<DataSet> batches = new ArrayList<>();
    List<Example> batch = new ArrayList<>();
    float scale = (float) (1.0 / job.data().scaleMax());
    for (int k = 0; k < n; k++) {
      byte[] pixels = images.images().get(order.get(k));
      float[] x = new float[pixels.length];
      for (int p = 0; p < x.length; p++) {
        x[p] = (pixels[p] & 0xff) * scale;
      }
      batch.add(new Example(x, images.labels()[order.get(k)] & 0xff));
      if (batch.size() == batchSize || k == n - 1) {
        batches.add(Batches.toDataSet(batch, job.data().numClasses()));
        batch = new ArrayList<>();
      }
    }
    MultiLayerNetwork net = new MultiLayerNetwork(
        ModelFactory.build(job.model(), images.shape(), job.data().numClasses(), job.seed()));
    net.init();
    // Which engine this is: the native build (with or without oneDNN) and whether DL4J's helpers are on.
    System.out.printf(Locale.ROOT, "engine oneDNN-build %s helpers %s threads %s%n",
        io.sparktrain.model.NativeHelpers.oneDnnBuild(),
        net.getLayer(0).getHelper() != null, Nd4j.getExecutioner().getEnvironmentInformation().get("omp.threads"));
    boolean opProfile = Boolean.getBoolean("bench.opProfile");
    for (int epoch = 1; epoch <= epochs; epoch++) {
      if (opProfile && epoch == epochs) {
        // ND4J's op profiler on the last epoch: time per native op, printed after it.
        Nd4j.getExecutioner().setProfilingMode(org.nd4j.linalg.api.ops.executioner.OpExecutioner.ProfilingMode.ALL);
      }
      long t0 = System.nanoTime();
      for (DataSet ds : batches) {
        net.fit(ds);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "epoch %d examples %d seconds %.1f examples/s %.1f score %.4f%n",
          epoch, n, seconds, n / seconds, net.score());
    }
    if (opProfile) {
      org.nd4j.linalg.profiler.OpProfiler.getInstance().printOutDashboard();
    }
  }
}
