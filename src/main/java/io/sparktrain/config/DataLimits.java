package io.sparktrain.config;

/**
 * What a data file may declare before memory is allocated for it ({@code data.limits}): a broken or
 * hostile file is quarantined (an image, a Parquet row) or stops the run with exit code 3 naming the file
 * and the setting (a CSV file, a Parquet column), never an OutOfMemoryError.
 *
 * @param maxImagePixels width x height of one image, read from its header before it is decoded
 * @param maxImageFileBytes bytes of one image file (Spark reads an image file whole)
 * @param maxLineBytes bytes of one CSV line: a longer header is refused, a longer data line quarantined
 * @param maxColumns columns of a CSV file and cells of one of its rows
 * @param maxCellChars characters of one CSV cell
 * @param maxArrayLength values of one Parquet array cell
 * @param maxSequenceFileBytes bytes of one file of {@code sequence-files} (read whole; after gzip, too)
 */
public record DataLimits(long maxImagePixels, long maxImageFileBytes, int maxLineBytes, int maxColumns,
    int maxCellChars, int maxArrayLength, long maxSequenceFileBytes) implements java.io.Serializable {
  public DataLimits {
    Check.range("data.limits.maxImagePixels", maxImagePixels, 1, Long.MAX_VALUE);
    Check.range("data.limits.maxImageFileBytes", maxImageFileBytes, 1, Integer.MAX_VALUE);
    Check.range("data.limits.maxLineBytes", maxLineBytes, 2, Integer.MAX_VALUE - 8);
    Check.range("data.limits.maxColumns", maxColumns, 2, Integer.MAX_VALUE);
    Check.range("data.limits.maxCellChars", maxCellChars, 1, Integer.MAX_VALUE);
    Check.range("data.limits.maxArrayLength", maxArrayLength, 1, Integer.MAX_VALUE - 8);
    Check.range("data.limits.maxSequenceFileBytes", maxSequenceFileBytes, 1, Integer.MAX_VALUE - 9);
  }

  /** The defaults of conf/reference.conf: for reading data outside a job (predict, evaluate). */
  public static DataLimits reference() {
    return read(new ConfigReader(ConfigLoader.reference(), "").at("data").at("limits"));
  }

  /**
   * These limits, raised where a model's input of {@code width} values needs more: a model trained with
   * raised limits can still score its own kind of data (predict and evaluate read outside a job).
   */
  public DataLimits forWidth(long width) {
    return new DataLimits(Math.max(maxImagePixels, width), maxImageFileBytes,
        (int) Math.min(Integer.MAX_VALUE - 8, Math.max(maxLineBytes, 64L * width)),
        (int) Math.min(Integer.MAX_VALUE, Math.max(maxColumns, 2L * width + 1024)), maxCellChars,
        (int) Math.min(Integer.MAX_VALUE - 8, Math.max(maxArrayLength, width)), maxSequenceFileBytes);
  }

  static DataLimits read(ConfigReader r) {
    return new DataLimits(r.longValue("maxImagePixels"), r.longValue("maxImageFileBytes"), r.intValue("maxLineBytes"),
        r.intValue("maxColumns"), r.intValue("maxCellChars"), r.intValue("maxArrayLength"),
        r.longValue("maxSequenceFileBytes"));
  }
}
