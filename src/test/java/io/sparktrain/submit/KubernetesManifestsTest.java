package io.sparktrain.submit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped Kubernetes manifests against schemas: the pod templates against the Kubernetes API's Pod (the
 * JSON schema in Fabric8's Kubernetes model jar, the version Spark's Kubernetes client uses), the
 * SparkApplication against the Spark operator's v1beta2 API (src/test/resources/k8s, written from the
 * operator's API reference, with the Kubernetes types from the same model). Unknown fields are errors, so a
 * misspelt key fails, which the negative cases show.
 */
class KubernetesManifestsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final YAMLMapper YAML = new YAMLMapper();
  static ObjectNode kubernetes;

  @BeforeAll
  static void loadKubernetesDefinitions() throws IOException {
    try (InputStream in = KubernetesManifestsTest.class.getResourceAsStream("/schema/validation-schema.json")) {
      assertThat(in).as("fabric8 kubernetes-model-core's schema/validation-schema.json on the class path").isNotNull();
      kubernetes = (ObjectNode) JSON.readTree(in).get("definitions").deepCopy();
    }
    kubernetes.forEach(KubernetesManifestsTest::tighten);
    // The model describes these two as Java objects; on the wire they are a string or a number.
    kubernetes.set("kubernetes_resource_Quantity", JSON.readTree("{\"type\": [\"string\", \"number\"]}"));
    kubernetes.set("kubernetes_apimachinery_pkg_util_intstr_IntOrString",
        JSON.readTree("{\"type\": [\"string\", \"integer\"]}"));
  }

  /**
   * The model's schema is generated for code generation: every object admits unknown fields, and "required"
   * is the draft-3 boolean. Objects with declared properties admit only those here.
   */
  static void tighten(JsonNode node) {
    if (!(node instanceof ObjectNode o)) {
      node.forEach(KubernetesManifestsTest::tighten);
      return;
    }
    if (o.has("required") && o.get("required").isBoolean()) {
      o.remove("required");
    }
    if (o.has("properties") && o.get("properties").isObject()) {
      o.put("additionalProperties", false);
      o.get("properties").forEach(KubernetesManifestsTest::tighten);
    }
    if (o.has("items")) {
      tighten(o.get("items"));
    }
    if (o.has("additionalProperties") && o.get("additionalProperties").isObject()) {
      tighten(o.get("additionalProperties"));
    }
  }

  static JsonSchema podSchema() throws IOException {
    ObjectNode schema = (ObjectNode) JSON.readTree("{\"$schema\": \"http://json-schema.org/draft-07/schema#\", "
        + "\"$ref\": \"#/definitions/kubernetes_core_Pod\"}");
    schema.set("definitions", kubernetes);
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schema);
  }

  static JsonSchema sparkApplicationSchema() throws IOException {
    ObjectNode schema;
    try (InputStream in = KubernetesManifestsTest.class.getResourceAsStream("/k8s/sparkapplication-v1beta2.schema.json")) {
      schema = (ObjectNode) JSON.readTree(in);
    }
    ObjectNode definitions = (ObjectNode) schema.get("definitions");
    JsonNode podProperties = definitions.remove("podProperties");
    for (String spec : List.of("DriverSpec", "ExecutorSpec")) {
      ((ObjectNode) definitions.get(spec).get("properties")).setAll((ObjectNode) podProperties);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = kubernetes.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      definitions.set(e.getKey(), e.getValue());
    }
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schema);
  }

  static JsonNode yaml(String text) throws IOException {
    return YAML.readTree(text);
  }

  static JsonNode manifest(String name) throws IOException {
    return yaml(Files.readString(Path.of("submit-scripts/k8s", name)));
  }

  @Test
  void podTemplates_validPods() throws IOException {
    JsonSchema pod = podSchema();
    for (String template : List.of("driver-pod-template.yaml", "executor-pod-template.yaml")) {
      assertThat(pod.validate(manifest(template))).as(template).isEmpty();
    }
  }

  @Test
  void podSchema_catchesMisspeltFieldsAndWrongTypes() throws IOException {
    JsonSchema pod = podSchema();
    JsonNode misspelt = yaml("apiVersion: v1\nkind: Pod\nspec:\n  securityContex: {runAsUser: 185}\n"
        + "  containers:\n    - name: c\n      securityContext: {allowPrivilegeEscalaton: false}\n");
    assertThat(pod.validate(misspelt)).extracting(ValidationMessage::getMessage)
        .anyMatch(m -> m.contains("securityContex"))
        .anyMatch(m -> m.contains("allowPrivilegeEscalaton"));
    JsonNode wrongType = yaml("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: c\n"
        + "      env: {OMP_NUM_THREADS: 1}\n");
    assertThat(pod.validate(wrongType)).extracting(ValidationMessage::getMessage).anyMatch(m -> m.contains("env"));
  }

  @Test
  void sparkApplication_validAgainstTheOperatorsApi() throws IOException {
    JsonNode app = manifest("sparktrain-sparkapplication.yaml");
    assertThat(sparkApplicationSchema().validate(app)).isEmpty();
  }

  @Test
  void sparkApplicationSchema_catchesMisspeltKeysBadEnumsAndKubernetesTypes() throws IOException {
    JsonSchema schema = sparkApplicationSchema();
    String good = Files.readString(Path.of("submit-scripts/k8s/sparktrain-sparkapplication.yaml"));
    assertThat(messages(schema, good.replace("  arguments:", "  argument:"))).anyMatch(m -> m.contains("argument"));
    assertThat(messages(schema, good.replace("type: OnFailure", "type: Sometimes")))
        .anyMatch(m -> m.contains("restartPolicy.type"));
    assertThat(messages(schema, good.replace("secretType: Generic}", "secretType: Generic, mode: 0400}")))
        .anyMatch(m -> m.contains("mode"));
    assertThat(messages(schema, good.replace("    instances: 2", "    instances: two")))
        .anyMatch(m -> m.contains("instances"));
    assertThat(messages(schema, good.replace("  name: sparktrain-fashion-mnist", "  nme: sparktrain-fashion-mnist")))
        .as("metadata is the Kubernetes ObjectMeta").anyMatch(m -> m.contains("nme"));
  }

  static List<String> messages(JsonSchema schema, String yaml) throws IOException {
    return schema.validate(yaml(yaml)).stream().map(ValidationMessage::getMessage).toList();
  }
}
