package io.sparktrain.report.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparktrain.data.DataException;
import io.sparktrain.report.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The schema against the golden files in {@code src/test/resources/golden/}, the format README's "The run
 * directory" documents: each parses into the records and serialises back to the same JSON.
 *
 * <p>Where the golden files come from, and how to regenerate them:
 * <ul>
 *   <li>{@code summary.json} (an image job with every optional part) and {@code summary-diverged.json} are
 *       what {@code Summary} writes for the fixed runs in {@code io.sparktrain.report.SummaryTest}; rewrite them
 *       with {@code mvn -o -B -Dtest=SummaryTest -Dgolden.update=true test} and review the diff.
 *   <li>{@code summary-csv.json} (tabular: feature names, standardisation, a held-out test fraction, non-finite
 *       numbers as null) was written by hand from a {@code conf/breast-cancer-csv.conf} run's summary.json;
 *       to regenerate, run {@code bin/sparktrain train --config conf/breast-cancer-csv.conf} and copy its
 *       summary.json.
 *   <li>{@code metrics.jsonl}: the first round, health and epoch line of a {@code conf/fashion-mnist-sample.conf}
 *       run, with a round whose loss was NaN, a recovery and a diagnosis line as
 *       {@code conf/diagnostics/lr-too-high.conf} writes them; to regenerate, keep a few lines of each type from
 *       those two runs' metrics.jsonl.
 * </ul>
 * A key added to what the writers write goes into the records, the golden files and README together.
 */
class SchemaTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final ObjectMapper TREE = new ObjectMapper();

  private static String golden(String name) throws IOException {
    return Files.readString(GOLDEN.resolve(name));
  }

  /** Reading {@code text} as the run file {@code name} fails with a DataException: its message, to check. */
  private static AbstractStringAssert<?> rejection(String name, String text) {
    return assertThatThrownBy(() -> {
      if (name.endsWith(".jsonl")) {
        RunJson.metrics(text, "run/" + name);
      } else {
        RunJson.summary(text, "run/" + name);
      }
    }).isInstanceOf(DataException.class).message();
  }

  @ParameterizedTest
  @ValueSource(strings = {"summary.json", "summary-csv.json", "summary-diverged.json"})
  void summary_goldenFile_roundTripsToTheSameTree(String name) throws IOException {
    SummaryFile summary = RunJson.summary(golden(name), name);
    assertThat(TREE.readTree(Json.pretty(summary))).isEqualTo(TREE.readTree(golden(name)));
  }

  @Test
  void metrics_goldenFile_roundTripsLineForLine() throws IOException {
    List<MetricsLine> lines = RunJson.metrics(golden("metrics.jsonl"), "metrics.jsonl");
    assertThat(lines).extracting(l -> l.getClass().getSimpleName())
        .containsExactly("Round", "Round", "Recovery", "Stall", "Diagnosis", "Health", "Epoch");
    assertThat(lines.stream().map(Json::line).toList()).isEqualTo(golden("metrics.jsonl").lines().toList());
    assertThat(((MetricsLine.Round) lines.get(1)).trainLoss()).isNull();
  }

  @Test
  void summary_renamedRequiredKey_failsNamingTheKey() throws IOException {
    String renamed = golden("summary.json").replace("\"macroF1\" :", "\"macroF1Score\" :");
    rejection("summary.json", renamed)
        .startsWith("run/summary.json: not a sparktrain summary: Missing required creator property 'macroF1'")
        .endsWith("(at test.macroF1)");
  }

  @Test
  void summary_completedRunWithoutASection_failsNamingIt() throws IOException {
    ObjectNode tree = (ObjectNode) TREE.readTree(golden("summary.json"));
    tree.remove("health");
    rejection("summary.json", tree.toString()).contains("a completed run's summary needs health");
  }

  @Test
  void summary_optionalPartAbsent_parsesAsNull() throws IOException {
    ObjectNode tree = (ObjectNode) TREE.readTree(golden("summary.json"));
    ((ObjectNode) tree.get("test")).remove("testTimeAugmentation");
    assertThat(RunJson.summary(tree.toString(), "summary.json").test().testTimeAugmentation()).isNull();
  }

  @Test
  void summary_unknownKeys_areIgnored() throws IOException {
    ObjectNode tree = (ObjectNode) TREE.readTree(golden("summary.json"));
    tree.putObject("fromANewerVersion").put("x", 1);
    ((ObjectNode) tree.get("test")).put("balancedAccuracy", 0.86);
    assertThat(RunJson.summary(tree.toString(), "summary.json"))
        .isEqualTo(RunJson.summary(golden("summary.json"), "summary.json"));
  }

  @Test
  void summary_unknownStatus_failsNamingTheKey() throws IOException {
    String other = golden("summary.json").replace("\"status\" : \"completed\"", "\"status\" : \"paused\"");
    rejection("summary.json", other).contains("\"paused\"").endsWith("(at status)");
  }

  @Test
  void metrics_renamedRequiredKey_failsNamingTheLineAndKey() throws IOException {
    String renamed = golden("metrics.jsonl").replace("\"validationLoss\":", "\"valLoss\":");
    rejection("metrics.jsonl", renamed).startsWith("run/metrics.jsonl, line 7: not a sparktrain metrics line:"
        + " Missing required creator property 'validationLoss'").endsWith("(at validationLoss)");
  }

  @Test
  void metrics_lineOfAnUnknownType_isLeftOut() throws IOException {
    String newer = golden("metrics.jsonl") + "{\"type\":\"checkpoint\",\"epoch\":1}\n";
    assertThat(RunJson.metrics(newer, "metrics.jsonl")).hasSize(7);
  }

  @Test
  void metrics_lineWithoutType_fails() {
    rejection("metrics.jsonl", "{\"epoch\":1}\n").isEqualTo("run/metrics.jsonl, line 1: not a sparktrain metrics"
        + " line: no \"type\" (one of round, health, stepGradient, diagnosis, recovery, stall, epoch, resume)");
  }

  @Test
  void line_typeFirstTimeLast_nullForNonFinite() {
    String line = Json.line(new MetricsLine.Recovery(1, 2, "the training loss is NaN", Json.num(Double.NaN),
        Json.num(Double.POSITIVE_INFINITY), "2026-12-01T21:15:14Z"));
    assertThat(line).isEqualTo("{\"type\":\"recovery\",\"epoch\":1,\"round\":2,\"reason\":\"the training loss is NaN\","
        + "\"learningRateBefore\":null,\"learningRateAfter\":null,\"time\":\"2026-12-01T21:15:14Z\"}");
  }

  @Test
  void stopped_withoutHealth_leavesOutEveryCompletedSection() throws IOException {
    JsonNode tree = TREE.readTree(Json.pretty(SummaryFile.stopped("job", SummaryFile.Status.DIVERGED, "why",
        "2026-12-01T20:10:40Z", "2026-12-01T20:10:41Z", null)));
    assertThat(tree.fieldNames()).toIterable().containsExactly("name", "status", "message", "startedAt", "finishedAt");
  }
}
