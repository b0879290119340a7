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
  private static final ObjectMapper MAPPER = RunJson.mapper().registerModule(redacting())
      .enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper COMPACT = RunJson.mapper().registerModule(redacting());

  /** Every string written goes through {@link io.sparktrain.config.Redaction#text}: no secret reaches a file. */
  private static com.fasterxml.jackson.databind.Module redacting() {
    return new com.fasterxml.jackson.databind.module.SimpleModule("redaction").addSerializer(String.class,
        new com.fasterxml.jackson.databind.ser.std.StdScalarSerializer<String>(String.class) {
          private static final long serialVersionUID = 1L;

          @Override
          public void serialize(String value, com.fasterxml.jackson.core.JsonGenerator out,
              com.fasterxml.jackson.databind.SerializerProvider provider) throws java.io.IOException {
            out.writeString(io.sparktrain.config.Redaction.text(value));
          }
        });
  }

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
