package io.sparktrain.lrfind;

import io.sparktrain.config.LrFindConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The learning-rate range test (Smith 2017) on the executors: each of {@code workers} tasks builds the
 * network from the configuration (same seed, so the same initial weights), fits its own partition's
 * minibatches in turn (cycling if it has fewer than the sweep needs) while the rate grows exponentially,
 * and returns its losses; the driver averages them per iteration and reads the suggestion off the
 * smoothed curve ({@link LrCurve}).
 */
public final class LrFinder {
  private LrFinder() {}

  public static LrCurve run(JavaRDD<DataSet> minibatches, MultiLayerConfiguration conf, LrFindConfig c, int workers) {
    int n = c.iterations();
    double gamma = Math.pow(c.maxLearningRate() / c.minLearningRate(), 1.0 / (n - 1));
    List<double[]> points = minibatches
        .mapPartitionsWithIndex(new Sweep(conf.toJson(), c, workers, gamma), false)
        .collect();
    double[] sum = new double[n];
    int[] count = new int[n];
    int[] reached = new int[workers];
    for (double[] p : points) {
      int i = (int) p[1];
      sum[i] += p[2];
      count[i]++;
      reached[(int) p[0]] = Math.max(reached[(int) p[0]], i + 1);
    }
    int used = 0;
    for (int r : reached) {
      used += r > 0 ? 1 : 0;
    }
    // Only iterations every worker reached: a mean over fewer workers would jump where one stopped.
    int length = n;
    for (int r : reached) {
      if (r > 0) {
        length = Math.min(length, r);
      }
    }
    double[] lrs = new double[length];
    double[] losses = new double[length];
    for (int i = 0; i < length; i++) {
      lrs[i] = c.minLearningRate() * Math.pow(gamma, i);
      losses[i] = count[i] > 0 ? sum[i] / count[i] : Double.NaN;
    }
    return LrCurve.of(lrs, losses, c.smoothing(), c.divergeFactor(), used);
  }

  /** One worker's sweep: (worker, iteration, loss) triples. */
  private static final class Sweep implements Function2<Integer, Iterator<DataSet>, Iterator<double[]>> {
    private static final long serialVersionUID = 1L;
    private final String confJson;
    private final LrFindConfig c;
    private final int workers;
    private final double gamma;

    Sweep(String confJson, LrFindConfig c, int workers, double gamma) {
      this.confJson = confJson;
      this.c = c;
      this.workers = workers;
      this.gamma = gamma;
    }

    @Override
    public Iterator<double[]> call(Integer partition, Iterator<DataSet> data) {
      if (partition >= workers) {
        return Collections.emptyIterator();
      }
      List<DataSet> local = new ArrayList<>();
      while (data.hasNext() && local.size() < c.iterations()) {
        local.add(data.next());
      }
      List<double[]> out = new ArrayList<>();
      if (local.isEmpty()) {
        return out.iterator();
      }
      MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(confJson));
      net.init();
      double avg = 0;
      double best = Double.POSITIVE_INFINITY;
      for (int i = 0; i < c.iterations(); i++) {
        net.setLearningRate(c.minLearningRate() * Math.pow(gamma, i));
        net.fit(local.get(i % local.size()));
        double loss = net.score();
        out.add(new double[] {partition, i, loss});
        if (!Double.isFinite(loss)) {
          break;
        }
        avg = c.smoothing() * avg + (1 - c.smoothing()) * loss;
        double smoothed = avg / (1 - Math.pow(c.smoothing(), i + 1));
        best = Math.min(best, smoothed);
        if (i > 0 && smoothed > c.divergeFactor() * best) {
          break;
        }
      }
      return out.iterator();
    }
  }
}
