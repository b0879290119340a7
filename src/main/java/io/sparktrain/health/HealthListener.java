package io.sparktrain.health;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs on the executors inside every worker's network. On one minibatch in {@code sampleEvery} (counted
 * per executor JVM) it measures each layer: activations in the forward pass, the raw gradient before
 * the updater, and the update the updater applied; the sample goes to a Spark accumulator that the
 * driver reads after each averaging round ({@link HealthMonitor}).
 */
public final class HealthListener extends BaseTrainingListener implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Minibatches seen by this executor JVM, across tasks and rounds: the sampling clock. */
  private static final AtomicLong MINIBATCHES = new AtomicLong();

  private final CollectionAccumulator<HealthSample> samples;
  private final int sampleEvery;
  private transient boolean sampling;
  private transient double[] activationStd;
  private transient double[] deadFraction;
  private transient double[] gradientNorm;
  private transient boolean nonFinite;

  HealthListener(CollectionAccumulator<HealthSample> samples, int sampleEvery) {
    this.samples = samples;
    this.sampleEvery = sampleEvery;
  }

  @Override
  public void onForwardPass(Model model, List<INDArray> activations) {
    sampling = MINIBATCHES.getAndIncrement() % sampleEvery == 0 && model instanceof MultiLayerNetwork;
    if (!sampling) {
      return;
    }
    MultiLayerNetwork net = (MultiLayerNetwork) model;
    int n = net.getnLayers();
    activationStd = nans(n);
    deadFraction = nans(n);
    // activations.get(0) is the input; get(i + 1) the output of layer i (the output layer's is not given).
    for (int i = 0; i + 1 < activations.size() && i < n; i++) {
      INDArray a = activations.get(i + 1);
      if (a == null || a.isEmpty()) {
        continue;
      }
      activationStd[i] = a.stdNumber().doubleValue();
      if (isRelu(net.getLayer(i))) {
        deadFraction[i] = deadFraction(a);
      }
    }
  }

  @Override
  public void onGradientCalculation(Model model) {
    if (!sampling) {
      return;
    }
    MultiLayerNetwork net = (MultiLayerNetwork) model;
    int n = net.getnLayers();
    double[] sumSquares = new double[n];
    boolean[] has = new boolean[n];
    nonFinite = false;
    Gradient g = net.gradient();
    for (Map.Entry<String, INDArray> e : g.gradientForVariable().entrySet()) {
      int layer = layerOf(e.getKey());
      if (layer < 0 || layer >= n) {
        continue;
      }
      double norm = e.getValue().norm2Number().doubleValue();
      if (!Double.isFinite(norm)) {
        nonFinite = true;
      }
      sumSquares[layer] += norm * norm;
      has[layer] = true;
    }
    // The gradient here is summed over the minibatch; the updater divides it by the minibatch size
    // before clipping and the update, so the norm reported (and compared with model.gradientThreshold)
    // is that of the mean.
    double batch = Math.max(1, net.batchSize());
    gradientNorm = nans(n);
    for (int i = 0; i < n; i++) {
      if (has[i]) {
        gradientNorm[i] = Math.sqrt(sumSquares[i]) / batch;
      }
    }
  }

  @Override
  public void iterationDone(Model model, int iteration, int epoch) {
    if (!sampling || gradientNorm == null) {
      return;
    }
    sampling = false;
    MultiLayerNetwork net = (MultiLayerNetwork) model;
    int n = net.getnLayers();
    double[] ratio = nans(n);
    // After the step, the gradient views hold the update the updater computed (and that was subtracted).
    Gradient g = net.gradient();
    for (int i = 0; i < n; i++) {
      INDArray update = g.getGradientFor(i + "_W");
      INDArray weights = net.getLayer(i).paramTable().get("W");
      if (update == null || weights == null) {
        continue;
      }
      double meanWeight = weights.amean().getDouble(0);
      ratio[i] = meanWeight == 0 ? Double.NaN : update.amean().getDouble(0) / meanWeight;
    }
    samples.add(new HealthSample(gradientNorm, ratio, activationStd == null ? nans(n) : activationStd,
        deadFraction == null ? nans(n) : deadFraction, nonFinite, model.score()));
    gradientNorm = null;
    activationStd = null;
    deadFraction = null;
  }

  /** Units that are 0 for every example: columns of a 2-d activation, channels of a 4-d (NCHW) one. */
  static double deadFraction(INDArray a) {
    INDArray max = a.rank() == 4 ? a.max(0, 2, 3) : a.rank() == 2 ? a.max(0) : null;
    if (max == null || max.length() == 0) {
      return Double.NaN;
    }
    return max.lte(0.0).castTo(DataType.DOUBLE).meanNumber().doubleValue();
  }

  private static boolean isRelu(Layer layer) {
    return layer.conf().getLayer() instanceof BaseLayer base && base.getActivationFn() instanceof ActivationReLU;
  }

  /** "3_W" → 3. */
  static int layerOf(String key) {
    int us = key.indexOf('_');
    if (us <= 0) {
      return -1;
    }
    try {
      return Integer.parseInt(key.substring(0, us));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static double[] nans(int n) {
    double[] out = new double[n];
    Arrays.fill(out, Double.NaN);
    return out;
  }
}
