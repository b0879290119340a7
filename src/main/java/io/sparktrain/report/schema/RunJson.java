package io.sparktrain.report.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedParameter;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sparktrain.data.DataException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads and writes the schema's records. Reading tolerates unknown keys (a newer run's) and unknown
 * metrics.jsonl line types (skipped), but a record component is a required key unless it is marked
 * {@code @JsonInclude(NON_NULL)}, the mark that also leaves it out when null: a missing key fails the
 * read with the key's path.
 */
public final class RunJson {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .annotationIntrospector(new RequiredUnlessOptional())
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  private static final String TYPES = Arrays.stream(MetricsLine.class.getAnnotation(JsonSubTypes.class).value())
      .map(JsonSubTypes.Type::name).collect(Collectors.joining(", "));

  private RunJson() {}

  /** A new mapper with the schema's settings, for writers that format the text themselves. */
  public static ObjectMapper mapper() {
    return MAPPER.copy();
  }

  /** summary.json's text as a record; {@code source} names the file in the error. */
  public static SummaryFile summary(String json, String source) {
    try {
      return MAPPER.readValue(json, SummaryFile.class);
    } catch (JsonProcessingException e) {
      throw new DataException(source + ": not a sparktrain summary: " + describe(e), e);
    }
  }

  /** A model's sparktrain.json as a record; {@code source} names the file in the error. */
  public static ModelManifest manifest(String json, String source) {
    return read(json, ModelManifest.class, source, "not a sparktrain model manifest");
  }

  /** A JSON file of the schema as its record; {@code source} names the file and {@code what} the failure. */
  public static <T> T read(String json, Class<T> type, String source, String what) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new DataException(source + ": " + what + ": " + describe(e), e);
    }
  }

  /** One metrics.jsonl line as a record; null when it is not a whole line of a type this version knows. */
  public static MetricsLine line(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      return node.path("type").isTextual() ? MAPPER.treeToValue(node, MetricsLine.class) : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** metrics.jsonl's lines as records, in file order; lines of a type this version does not know are left out. */
  public static List<MetricsLine> metrics(String jsonl, String source) {
    List<MetricsLine> out = new ArrayList<>();
    String[] lines = jsonl.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String where = source + ", line " + (i + 1) + ": not a sparktrain metrics line: ";
      try {
        JsonNode node = MAPPER.readTree(lines[i]);
        if (!node.path("type").isTextual()) {
          throw new DataException(where + "no \"type\" (one of " + TYPES + ")");
        }
        MetricsLine line = MAPPER.treeToValue(node, MetricsLine.class);
        if (line != null) {
          out.add(line);
        }
      } catch (JsonProcessingException e) {
        throw new DataException(where + describe(e), e);
      }
    }
    return out;
  }

  /** Converts between the records and plain maps or JSON trees (same rules as reading a file). */
  public static <T> T convert(Object value, Class<T> type) {
    return MAPPER.convertValue(value, type);
  }

  /** A record as a mutable map in key order, for files that extend it. */
  public static Map<String, Object> toMap(Object value) {
    return MAPPER.convertValue(value, new TypeReference<LinkedHashMap<String, Object>>() {});
  }

  private static String describe(JsonProcessingException e) {
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      String path = m.getPath().stream()
          .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
          .collect(Collectors.joining());
      return e.getOriginalMessage() + " (at " + (path.startsWith(".") ? path.substring(1) : path) + ")";
    }
    return e.getOriginalMessage();
  }

  /** Record components are required, except those that {@code @JsonInclude(NON_NULL)} marks optional. */
  private static final class RequiredUnlessOptional extends JacksonAnnotationIntrospector {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean hasRequiredMarker(AnnotatedMember m) {
      if (m instanceof AnnotatedParameter p && p.getDeclaringClass().isRecord()) {
        JsonInclude include = m.getAnnotation(JsonInclude.class);
        return include == null || include.value() != JsonInclude.Include.NON_NULL;
      }
      return super.hasRequiredMarker(m);
    }
  }
}
