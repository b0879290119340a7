package io.sparktrain.report.schema;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code sparktrain.json} inside model.zip: what a model needs besides its weights to be used without
 * the run directory: the classes, the input it takes, the normalisation it was trained with and how its
 * training data were read. Written by train, read by predict, evaluate and the Spark ML transformer.
 *
 * @param version the schema's version ({@link #VERSION})
 * @param job the name of the job that trained it
 * @param classNames the class names in label order (the output layer's units)
 * @param input the shape of one example as the network takes it
 * @param normalization the fitted scaler, applied to raw inputs before the network
 * @param source how the training data were read: the defaults for reading data to score
 */
public record ModelManifest(
    int version,
    String job,
    List<String> classNames,
    Input input,
    Normalization normalization,
    Source source,
    String sparktrainVersion,
    String createdAt) {
  /** The entry's name in model.zip. */
  public static final String ENTRY = "sparktrain.json";
  public static final int VERSION = 1;

  /**
   * One example: an image of height x width x channels, or a row of {@code width} features. The network
   * takes it as one flat row, row-major, channels last.
   *
   * @param features the feature column names of a table, in the order the network takes them (empty for
   *     images and for one array column)
   * @param sequence whether an example is a sequence of up to {@code height} steps of {@code width} features
   *     (absent, so false, in manifests written before sequences existed)
   */
  public record Input(int height, int width, int channels, boolean image, String layout, List<String> features,
      boolean sequence) {
    /** An image or a row. */
    public Input(int height, int width, int channels, boolean image, String layout, List<String> features) {
      this(height, width, channels, image, layout, features, false);
    }
  }

  /**
   * @param kind scale, standardize or none
   * @param offset per-feature mean (standardize)
   * @param scale the factor (scale: one value) or per-feature inverse standard deviation (standardize)
   */
  public record Normalization(String kind, @JsonInclude(NON_NULL) float[] offset,
      @JsonInclude(NON_NULL) float[] scale) {}

  /**
   * @param format idx, csv, parquet or images
   * @param csv for csv: header, delimiter and the label column
   * @param parquet for parquet: the label column, the feature columns and the image shape
   * @param images for images: the resizing and whether grey
   */
  public record Source(String format, double maxRejectedFraction, @JsonInclude(NON_NULL) Csv csv,
      @JsonInclude(NON_NULL) Parquet parquet, @JsonInclude(NON_NULL) Images images) {}

  public record Csv(boolean header, String delimiter, String label) {}

  public record Parquet(String label, List<String> features, List<Integer> imageShape) {}

  public record Images(int height, int width, boolean grayscale) {}
}
