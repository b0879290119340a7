package io.sparktrain.data;

import java.io.Serializable;

/** The shape of one example: an image (height x width x channels) or a flat row of {@code width} features. */
public record Shape(int height, int width, int channels, boolean image) implements Serializable {
  public static Shape image(int height, int width, int channels) {
    return new Shape(height, width, channels, true);
  }

  public static Shape features(int count) {
    return new Shape(1, count, 1, false);
  }

  public int size() {
    return height * width * channels;
  }

  @Override
  public String toString() {
    return image ? height + "x" + width + "x" + channels : width + " features";
  }
}
