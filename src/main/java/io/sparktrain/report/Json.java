package io.sparktrain.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparktrain.report.schema.RunJson;
import java.io.UncheckedIOException;

/**
 * JSON text for the run's files (the records of {@link io.sparktrain.report.schema}, and plain maps);
 * non-finite numbers become null so every file is valid JSON.
 */
public final class Json {
  private static final ObjectMapper MAPPER = RunJson.mapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper COMPACT = RunJson.mapper();

  private Json() {}

  public static String pretty(Object value) {
    try {
      return MAPPER.writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String line(Object value) {
    try {
      return COMPACT.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code value}, or null when it is NaN or infinite. */
  public static Double num(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
