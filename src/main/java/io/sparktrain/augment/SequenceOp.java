package io.sparktrain.augment;

import io.sparktrain.data.Example;
import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * One augmentation of one sequence, run on the executors: features time-major ({@code width} per step),
 * per-step labels (if any) moving with their steps. Implementations return a new Example and never change
 * their input; a sequence's own label is not theirs to change.
 */
public interface SequenceOp extends Serializable {
  Example apply(Example e, int width, SplittableRandom random);

  /** One line for summary.json and the report. */
  String describe();

  /** A per-value operation (noise, jitter) on every step of a sequence; the length and labels kept. */
  static SequenceOp everyStep(ExampleOp op, io.sparktrain.data.Shape shape) {
    return new EveryStep(op, shape);
  }

  /** See {@link #everyStep}. */
  record EveryStep(ExampleOp op, io.sparktrain.data.Shape shape) implements SequenceOp {
    @Override
    public Example apply(Example e, int width, SplittableRandom random) {
      return e.withFeatures(op.apply(e.features(), shape, random));
    }

    @Override
    public String describe() {
      return op.describe();
    }
  }
}
