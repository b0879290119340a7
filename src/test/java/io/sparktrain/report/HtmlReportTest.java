package io.sparktrain.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static HtmlReport.RunFiles run(String className, String config) throws Exception {
    String name = JSON.writeValueAsString(className);
    JsonNode summary = JSON.readTree("{\"name\": \"job\", \"finishedAt\": \"2026-11-27T00:00:00Z\","
        + "\"test\": {\"accuracy\": 0.9, \"loss\": 0.3, \"examples\": 10, \"macroF1\": 0.8,"
        + " \"perClass\": [{\"name\": " + name + ", \"precision\": 1.0, \"recall\": 0.8, \"f1\": 0.89, \"support\": 5},"
        + " {\"name\": \"b\", \"precision\": 0.83, \"recall\": 1.0, \"f1\": 0.91, \"support\": 5}],"
        + " \"confusionMatrix\": {\"labels\": [" + name + ", \"b\"], \"counts\": [[4, 1], [0, 5]]}},"
        + "\"epochs\": {\"completed\": 2}, \"training\": {\"updater\": \"adam\", \"learningRate\": 0.001},"
        + "\"data\": {\"format\": \"csv\", \"sources\": {\"train\": \"x.csv\"}, \"shape\": \"2 features\","
        + " \"sizes\": {\"train\": 8, \"validation\": 2, \"test\": 10}, \"normalization\": {\"kind\": \"none\"}},"
        + "\"timings\": {\"totalSeconds\": 3.5}, \"seed\": 42, \"gitCommit\": \"abc\","
        + "\"spark\": {\"master\": \"local[2]\", \"defaultParallelism\": 2, \"applicationId\": \"app\"},"
        + "\"versions\": {\"spark\": \"3.5.7\"}}");
    List<JsonNode> metrics = List.of(
        JSON.readTree("{\"type\": \"epoch\", \"epoch\": 1, \"trainLoss\": 0.9, \"validationLoss\": 0.8,"
            + " \"validationAccuracy\": 0.7, \"examplesPerSecond\": 100, \"seconds\": 2, \"trainSeconds\": 1.5,"
            + " \"validationSeconds\": 0.5}"),
        JSON.readTree("{\"type\": \"epoch\", \"epoch\": 2, \"trainLoss\": 0.5, \"validationLoss\": 0.6,"
            + " \"validationAccuracy\": 0.8, \"examplesPerSecond\": 120, \"seconds\": 1.8, \"trainSeconds\": 1.3,"
            + " \"validationSeconds\": 0.5}"));
    return new HtmlReport.RunFiles(summary, metrics, config, null, null, null);
  }

  @Test
  void render_classNameWithMarkup_isEscapedEverywhere() throws Exception {
    String html = HtmlReport.render(run("<script>alert(1)</script>", "name = \"</pre><script>x()</script>\""));
    assertThat(html).doesNotContain("<script").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .contains("&lt;/pre&gt;&lt;script&gt;x()&lt;/script&gt;");
  }

  @Test
  void render_selfContained_chartsAndTables() throws Exception {
    String html = HtmlReport.render(run("a", "seed = 42"));
    // Nothing to fetch: no script, and no src/href that leaves the page (SVG's xmlns names are not requests).
    assertThat(html).doesNotContain("<script").doesNotContainPattern("(src|href)=\"(https?:)?//")
        .doesNotContain("<link").contains("Content-Security-Policy");
    assertThat(html.split("<svg", -1)).hasSize(5);
    assertThat(html).contains("id=\"chart-loss\"").contains("id=\"chart-accuracy\"").contains("id=\"chart-lr\"")
        .contains("id=\"chart-time\"").contains("id=\"confusion\"").contains("+0.1000");
  }

  @Test
  void html_escapesEveryMarkupCharacter() {
    assertThat(Html.esc("<a href='x'>\"&\"</a>")).isEqualTo("&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
  }
}
