package io.sparktrain.health;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

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
  private transient double[] stepGradient;

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
    // Before the update: the gradient through time that this step trains with (one bad step can wreck
    // the recurrent weights, after which the explosion that did it is gone).
    stepGradient = stepGradient(net);
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
        deadFraction == null ? nans(n) : deadFraction, nonFinite, model.score(),
        stepGradient == null ? new double[0] : stepGradient));
    stepGradient = null;
    gradientNorm = null;
    activationStd = null;
    deadFraction = null;
  }

  /**
   * For sequences [minibatch, features, steps]: the norm at each step of the loss gradient with respect
   * to the input, over the minibatch. Its fall from the last steps to the first is how far back the
   * network can still learn from. Measured on a copy of the network (with the parameters this step
   * started from, and no listeners), so the training network's gradients, inputs and recurrent state are
   * left as they are; the next minibatch reseeds the random generator that its dropout uses.
   *
   * <p>Sequences of each length are measured together without a mask (DL4J 1.0.0-M2.1's
   * calculateGradients hands a features mask to an output layer after lasttimestep and fails), and the
   * steps are aligned at the end: step t of the result is t steps before the last of the longest sequence.
   */
  static double[] stepGradient(MultiLayerNetwork net) {
    INDArray input = net.getInput();
    INDArray labels = net.getLabels();
    if (input == null || labels == null || input.rank() != 3) {
      return new double[0];
    }
    INDArray mask = net.getLayer(0).getMaskArray();
    int n = (int) input.size(0);
    int steps = (int) input.size(2);
    // The copy and its inputs live outside DL4J's workspaces, and the copy uses none: this runs inside the
    // training network's fit, whose workspaces (named the same for every network, per thread) must not be
    // entered, reset or closed from here.
    MultiLayerNetwork copy;
    INDArray x0;
    INDArray y0;
    INDArray m0;
    try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      x0 = input.dup();
      y0 = labels.dup();
      m0 = mask == null ? null : mask.dup();
      copy = net.clone();
    }
    copy.getLayerWiseConfigurations().setTrainingWorkspaceMode(WorkspaceMode.NONE);
    copy.getLayerWiseConfigurations().setInferenceWorkspaceMode(WorkspaceMode.NONE);
    copy.setListeners(java.util.Collections.emptyList());
    java.util.Map<Integer, List<Integer>> byLength = new java.util.TreeMap<>();
    for (int i = 0; i < n; i++) {
      int length = m0 == null ? steps : m0.getRow(i).sumNumber().intValue();
      if (length > 0) {
        byLength.computeIfAbsent(length, k -> new java.util.ArrayList<>()).add(i);
      }
    }
    double[] sumSquares = new double[steps];
    try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      for (Map.Entry<Integer, List<Integer>> group : byLength.entrySet()) {
        int length = group.getKey();
        INDArrayIndex rows = NDArrayIndex.indices(group.getValue().stream().mapToLong(Integer::longValue).toArray());
        INDArray x = x0.get(rows, NDArrayIndex.all(), NDArrayIndex.interval(0, length)).dup();
        INDArray y = y0.rank() == 3 ? y0.get(rows, NDArrayIndex.all(), NDArrayIndex.interval(0, length)).dup()
            : y0.get(rows, NDArrayIndex.all()).dup();
        INDArray epsilon = copy.calculateGradients(x, y, null, null).getSecond();
        if (epsilon == null) {
          return new double[0];
        }
        double[] perStep = epsilon.castTo(DataType.DOUBLE).norm2(0, 1).toDoubleVector();
        for (int t = 0; t < length; t++) {
          sumSquares[steps - length + t] += perStep[t] * perStep[t];
        }
      }
    }
    double[] norms = new double[steps];
    for (int t = 0; t < steps; t++) {
      norms[t] = Math.sqrt(sumSquares[t]);
    }
    return norms;
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
