package io.sparktrain.health;

import java.io.Serializable;

/**
 * What a worker measured on one sampled minibatch, per layer (index = the layer's position in
 * model.layers). NaN where a measure does not apply: no parameters, no activation recorded, not ReLU.
 *
 * @param gradientNorm L2 norm of the layer's mean gradient over the minibatch, before clipping and the updater
 * @param updateRatio mean |update| / mean |weight| of the layer's weights (the step actually applied)
 * @param activationStd standard deviation of the layer's output over the minibatch
 * @param deadFraction fraction of a ReLU layer's units (channels for convolutions) that output 0 for every example
 * @param nonFinite whether any gradient value was NaN or infinite
 * @param stepGradient for a network of sequences: the L2 norm, at each time step, of the loss gradient with
 *     respect to the network's input (how much each step's input can still change the loss); empty otherwise
 */
public record HealthSample(double[] gradientNorm, double[] updateRatio, double[] activationStd, double[] deadFraction,
    boolean nonFinite, double loss, double[] stepGradient) implements Serializable {
  /** A sample of a network that does not take sequences. */
  public HealthSample(double[] gradientNorm, double[] updateRatio, double[] activationStd, double[] deadFraction,
      boolean nonFinite, double loss) {
    this(gradientNorm, updateRatio, activationStd, deadFraction, nonFinite, loss, new double[0]);
  }
}
