package io.sparktrain.augment;

import io.sparktrain.data.Shape;
import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * One augmentation of one example, run on the executors. Images are row-major, channels last
 * (height x width x channels); tabular rows are flat. Implementations return a new array and never
 * change their input; the label is not theirs to change.
 */
public interface ExampleOp extends Serializable {
  float[] apply(float[] x, Shape shape, SplittableRandom random);

  /** One line for summary.json and the report. */
  String describe();
}
