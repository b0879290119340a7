package io.sparktrain.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A network's learnable state, copied out of it: the flattened parameters, the updater state (Adam's
 * moments and the like; null for plain SGD) and the configuration's iteration and epoch counters (Adam's
 * bias correction counts iterations). The arrays belong to this value: nothing writes to them after
 * {@link #of}, and {@link #into} copies them into a network.
 */
public record Weights(INDArray params, INDArray updater, int iterationCount, int epochCount) {
  /** A copy of the network's current weights. */
  public static Weights of(MultiLayerNetwork net) {
    INDArray state = net.getUpdater() == null ? null : net.getUpdater().getStateViewArray();
    return new Weights(net.params().dup(), state == null ? null : state.dup(),
        net.getLayerWiseConfigurations().getIterationCount(), net.getLayerWiseConfigurations().getEpochCount());
  }

  /** Sets the network to these weights. */
  public void into(MultiLayerNetwork net) {
    net.params().assign(params);
    if (updater != null && net.getUpdater() != null && net.getUpdater().getStateViewArray() != null) {
      net.getUpdater().getStateViewArray().assign(updater);
    }
    net.getLayerWiseConfigurations().setIterationCount(iterationCount);
    net.getLayerWiseConfigurations().setEpochCount(epochCount);
  }

  /** Whether every parameter is finite. */
  public boolean finite() {
    return Double.isFinite(params.sumNumber().doubleValue());
  }
}
