package io.sparktrain.augment;

import io.sparktrain.data.Example;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Sequences: a window of {@code fraction} of the length (at least one step) at a random place (window
 * slicing, Le Guennec et al. 2016): the sequence gets shorter, its label stays; per-step labels are sliced
 * with their steps. Minibatches mask the steps it leaves out.
 */
public record WindowSlice(double fraction) implements SequenceOp {
  @Override
  public Example apply(Example e, int width, SplittableRandom random) {
    int length = e.features().length / width;
    int kept = Math.max(1, (int) Math.round(fraction * length));
    if (kept >= length) {
      return e;
    }
    int start = random.nextInt(length - kept + 1);
    float[] out = Arrays.copyOfRange(e.features(), start * width, (start + kept) * width);
    return e.labelledPerStep() ? Example.perStep(out, Arrays.copyOfRange(e.stepLabels(), start, start + kept))
        : e.withFeatures(out);
  }

  @Override
  public String describe() {
    return "window slicing (" + fraction + " of each sequence, at a random place)";
  }
}
