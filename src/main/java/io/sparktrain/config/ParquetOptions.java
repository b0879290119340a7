package io.sparktrain.config;

import java.util.List;

/**
 * How Parquet data is read.
 *
 * @param label the integer label column
 * @param features numeric feature columns in order, or one array column; empty: the one array column
 *     if there is exactly one, else every numeric column except the label
 * @param imageShape [height, width, channels] when the features are an image (row-major, channels
 *     last); empty for tabular rows
 */
public record ParquetOptions(String label, List<String> features, List<Integer> imageShape) {
  public ParquetOptions {
    Check.notBlank("data.parquet.label", label, "the name of the label column");
    features = List.copyOf(features);
    imageShape = List.copyOf(imageShape);
    Check.that(imageShape.isEmpty() || imageShape.size() == 3 && imageShape.stream().allMatch(v -> v > 0),
        "data.parquet.imageShape", "must be empty or [height, width, channels] of positive numbers, found " + imageShape);
  }
}
