package io.sparktrain.health;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Opens {@link HealthListener}'s measurement through time to tests in other packages. */
public final class HealthListenerAccess {
  private HealthListenerAccess() {}

  public static double[] stepGradient(MultiLayerNetwork net) {
    return HealthListener.stepGradient(net);
  }
}
