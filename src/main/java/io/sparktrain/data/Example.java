package io.sparktrain.data;

import java.io.Serializable;

/**
 * One labelled example: its features as a flat row (images row-major, channels last; sequences time-major,
 * one step's features after another) and its class. A sequence labelled per time step has one class per step
 * in {@code stepLabels} (and {@code label} is its last step's); otherwise {@code stepLabels} is empty.
 * Arrays are not copied: an Example is handed from stage to stage, never shared and mutated.
 */
public record Example(float[] features, int label, int[] stepLabels) implements Serializable {
  private static final int[] NONE = new int[0];

  public Example(float[] features, int label) {
    this(features, label, NONE);
  }

  /** A sequence labelled per step. */
  public static Example perStep(float[] features, int[] stepLabels) {
    return new Example(features, stepLabels[stepLabels.length - 1], stepLabels);
  }

  public boolean labelledPerStep() {
    return stepLabels.length > 0;
  }

  /** The same labels with other features (scaled, augmented). */
  public Example withFeatures(float[] other) {
    return new Example(other, label, stepLabels);
  }
}
