package io.sparktrain.bench;

import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.config.SequenceOptions;
import io.sparktrain.data.Batches;
import io.sparktrain.data.Example;
import io.sparktrain.data.Shape;
import io.sparktrain.model.ModelFactory;
import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The baseline of bench/sequence-throughput.sh: a sequence-csv job's network and training sequences fitted
 * by plain DL4J in one JVM, no Spark: the (gzip) CSV read in file order, the same share kept as sparktrain
 * trains on, standardised per feature over every step, minibatches of the job's size. Prints one line per
 * epoch: {@code epoch N sequences E seconds S sequences/s R}.
 *
 * <p>Usage: PlainDl4jSequenceThroughput JOB_CONF EPOCHS
 */
public final class PlainDl4jSequenceThroughput {
  private PlainDl4jSequenceThroughput() {}

  public static void main(String[] args) throws IOException {
    JobConfig job = ConfigLoader.load(new File(args[0]), List.of());
    int epochs = Integer.parseInt(args[1]);
    SequenceOptions o = job.data().sequence();
    Map<String, List<String[]>> rows = new LinkedHashMap<>();
    List<String> header;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(new FileInputStream(job.data().train())), StandardCharsets.UTF_8))) {
      header = List.of(in.readLine().split(","));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] cells = line.split(",");
        rows.computeIfAbsent(cells[header.indexOf(o.id())], k -> new ArrayList<>()).add(cells);
      }
    }
    List<Integer> features = new ArrayList<>();
    for (int c = 0; c < header.size(); c++) {
      if (!List.of(o.id(), o.step(), o.label()).contains(header.get(c))) {
        features.add(c);
      }
    }
    int width = features.size();
    int label = header.indexOf(o.label());
    List<Example> all = new ArrayList<>();
    for (List<String[]> seq : rows.values()) {
      float[] x = new float[seq.size() * width];
      for (int t = 0; t < seq.size(); t++) {
        for (int f = 0; f < width; f++) {
          x[t * width + f] = Float.parseFloat(seq.get(t)[features.get(f)]);
        }
      }
      all.add(new Example(x, Integer.parseInt(seq.get(0)[label])));
    }
    Collections.shuffle(all, new Random(job.seed()));
    int n = (int) Math.round(all.size() * (1 - job.data().validationFraction()));
    List<Example> train = all.subList(0, n);
    double[] sum = new double[width];
    double[] squares = new double[width];
    long steps = 0;
    for (Example e : train) {
      for (int i = 0; i < e.features().length; i++) {
        sum[i % width] += e.features()[i];
        squares[i % width] += (double) e.features()[i] * e.features()[i];
      }
      steps += e.features().length / width;
    }
    List<DataSet> batches = new ArrayList<>();
    int size = job.train().batchSizePerWorker();
    for (int from = 0; from < n; from += size) {
      List<Example> batch = new ArrayList<>();
      for (Example e : train.subList(from, Math.min(n, from + size))) {
        float[] y = new float[e.features().length];
        for (int i = 0; i < y.length; i++) {
          double mean = sum[i % width] / steps;
          double std = Math.sqrt(Math.max(1e-12, squares[i % width] / steps - mean * mean));
          y[i] = (float) ((e.features()[i] - mean) / std);
        }
        batch.add(e.withFeatures(y));
      }
      batches.add(Batches.sequences(batch, job.data().numClasses(), width));
    }
    MultiLayerNetwork net = new MultiLayerNetwork(ModelFactory.build(job.model(),
        Shape.sequence(job.data().sequence().maxLength(), width), job.data().numClasses(), job.seed()));
    net.init();
    for (int epoch = 1; epoch <= epochs; epoch++) {
      long t0 = System.nanoTime();
      for (DataSet ds : batches) {
        net.fit(ds);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "epoch %d sequences %d seconds %.1f sequences/s %.1f score %.4f%n",
          epoch, n, seconds, n / seconds, net.score());
    }
  }
}
