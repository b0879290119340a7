package io.sparktrain.augment;

import io.sparktrain.data.Example;
import java.util.SplittableRandom;

/**
 * Sequences: moves every step by s, uniform in [-steps, steps], keeping the length: later by s (the first
 * step repeated in front, the last s steps dropped) or earlier (the first s dropped, the last step repeated
 * at the end). Per-step labels move with their steps.
 */
public record TimeShift(int steps) implements SequenceOp {
  @Override
  public Example apply(Example e, int width, SplittableRandom random) {
    int length = e.features().length / width;
    int shift = random.nextInt(2 * steps + 1) - steps;
    if (shift == 0 || length < 2) {
      return e;
    }
    float[] x = e.features();
    float[] out = new float[x.length];
    int[] labels = e.labelledPerStep() ? new int[length] : null;
    for (int t = 0; t < length; t++) {
      int from = Math.max(0, Math.min(length - 1, t - shift));
      System.arraycopy(x, from * width, out, t * width, width);
      if (labels != null) {
        labels[t] = e.stepLabels()[from];
      }
    }
    return labels == null ? e.withFeatures(out) : Example.perStep(out, labels);
  }

  @Override
  public String describe() {
    return "time shift by up to " + steps + " steps either way";
  }
}
