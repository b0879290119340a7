package io.sparktrain.data;

import io.sparktrain.config.SequenceOptions;

/**
 * What every sequence source does once a sequence's steps and labels are read: the length limit
 * ({@code data.sequence.maxLength} with {@code tooLong}), labels in range and, for one label per sequence,
 * the same at every step. Runs on the executors.
 */
final class SequenceRules {
  private SequenceRules() {}

  /**
   * The example, or why not.
   *
   * @param where the sequence's place, for messages (file, and id or row)
   * @param x the steps' features, time-major, {@code width} per step
   * @param labels one label (per sequence), or one per step
   * @param labelsAt where label {@code i} was read, for messages
   */
  static Parsed example(String where, float[] x, int width, long[] labels, java.util.function.IntFunction<String> labelsAt,
      int numClasses, SequenceOptions options) {
    int length = x.length / width;
    if (length == 0) {
      return Parsed.rejected("empty sequence", where + ": no time steps");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        return Parsed.rejected("label out of range", labelsAt.apply(i) + ": label " + labels[i] + " is not a class in"
            + " [0, " + numClasses + ") (data.numClasses)");
      }
    }
    boolean perStep = options.labels() == SequenceOptions.Labels.STEP;
    if (perStep && labels.length != length) {
      return Parsed.rejected("label count", where + ": " + labels.length + " labels for " + length + " steps;"
          + " data.sequence.labels = step needs one label per step");
    }
    if (!perStep) {
      for (int i = 1; i < labels.length; i++) {
        if (labels[i] != labels[0]) {
          return Parsed.rejected("label changes within sequence", labelsAt.apply(i) + ": label " + labels[i]
              + " where the sequence began with " + labels[0] + "; data.sequence.labels = sequence needs one label per"
              + " sequence (or set it to step)");
        }
      }
      if (labels.length != 1 && labels.length != length) {
        return Parsed.rejected("label count", where + ": " + labels.length + " labels for " + length + " steps;"
            + " expected one label, or one per step");
      }
    }
    int kept = length;
    if (options.maxLength() > 0 && length > options.maxLength()) {
      if (options.tooLong() == SequenceOptions.TooLong.QUARANTINE) {
        return Parsed.rejected("sequence too long", where + " has " + length + " steps, more than "
            + "data.sequence.maxLength = " + options.maxLength() + " (or set data.sequence.tooLong = truncate)");
      }
      kept = options.maxLength();
    }
    float[] features = kept == length ? x : java.util.Arrays.copyOf(x, kept * width);
    if (!perStep) {
      return Parsed.ok(new Example(features, (int) labels[0]));
    }
    int[] steps = new int[kept];
    for (int t = 0; t < kept; t++) {
      steps[t] = (int) labels[t];
    }
    return Parsed.ok(Example.perStep(features, steps));
  }

  /** The integer a cell holds (a whole number written as a decimal too), or null. */
  static Long integer(String cell) {
    if (cell == null || cell.isBlank()) {
      return null;
    }
    try {
      double v = Double.parseDouble(cell.trim());
      return v == Math.rint(v) && Math.abs(v) < 1e15 ? (long) v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static String clip(String s) {
    return s == null ? "" : s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }
}
