package io.sparktrain.config;

/**
 * How image folders are read ({@code data.format = images}: {@code root/<class-name>/*.png|jpg|...}).
 *
 * @param height resize every image to this height; 0 with {@code width} 0: no resizing (every image must
 *     have the size of the first one)
 * @param width resize every image to this width
 * @param grayscale decode to one channel (luminance) rather than three (RGB)
 */
public record ImageOptions(int height, int width, boolean grayscale) implements java.io.Serializable {
  public ImageOptions {
    Check.range("data.images.height", height, 0, 10_000);
    Check.range("data.images.width", width, 0, 10_000);
    Check.that((height == 0) == (width == 0), height == 0 ? "data.images.height" : "data.images.width",
        "data.images.height and data.images.width go together: set both to resize, or neither");
  }

  public boolean resize() {
    return height > 0;
  }

  public int channels() {
    return grayscale ? 1 : 3;
  }
}
