package io.sparktrain.data;

import java.io.Serializable;

/**
 * The shape of one example: an image (height x width x channels), a flat row of {@code width} features, or
 * a sequence of up to {@code height} time steps of {@code width} features each (time-major in
 * {@link Example#features()}: step t's features at {@code [t * width, (t + 1) * width)}).
 */
public record Shape(int height, int width, int channels, Kind kind) implements Serializable {
  /** What an example is. */
  public enum Kind { IMAGE, FEATURES, SEQUENCE }

  public static Shape image(int height, int width, int channels) {
    return new Shape(height, width, channels, Kind.IMAGE);
  }

  public static Shape features(int count) {
    return new Shape(1, count, 1, Kind.FEATURES);
  }

  /** Sequences of at most {@code maxLength} steps of {@code featuresPerStep} features. */
  public static Shape sequence(int maxLength, int featuresPerStep) {
    return new Shape(maxLength, featuresPerStep, 1, Kind.SEQUENCE);
  }

  public boolean image() {
    return kind == Kind.IMAGE;
  }

  public boolean sequence() {
    return kind == Kind.SEQUENCE;
  }

  /** Values of one example (at most, for a sequence: its longest). */
  public int size() {
    return height * width * channels;
  }

  /** The features scaling and standardisation work on: the features of one step for a sequence. */
  public int featureCount() {
    return sequence() ? width : size();
  }

  @Override
  public String toString() {
    return switch (kind) {
      case IMAGE -> height + "x" + width + "x" + channels;
      case FEATURES -> width + " features";
      case SEQUENCE -> "sequences of " + (height > 0 ? "up to " + height + " steps of " : "") + width + " features"
          + (height > 0 ? "" : " per step");
    };
  }
}
