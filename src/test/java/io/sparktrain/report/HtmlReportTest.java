package io.sparktrain.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.report.schema.RunJson;
import io.sparktrain.testing.Summaries;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
  static HtmlReport.RunFiles run(String className, String config) {
    return new HtmlReport.RunFiles(Summaries.completed(className, 0.9, null), Summaries.epochs(), config, null, null,
        null);
  }

  @Test
  void render_classNameWithMarkup_isEscapedEverywhere() {
    String html = HtmlReport.render(run("<script>alert(1)</script>", "name = \"</pre><script>x()</script>\""));
    assertThat(html).doesNotContain("<script").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .contains("&lt;/pre&gt;&lt;script&gt;x()&lt;/script&gt;");
  }

  @Test
  void render_selfContained_chartsAndTables() {
    String html = HtmlReport.render(run("a", "seed = 42"));
    // Nothing to fetch: no script, and no src/href that leaves the page (SVG's xmlns names are not requests).
    assertThat(html).doesNotContain("<script").doesNotContainPattern("(src|href)=\"(https?:)?//")
        .doesNotContain("<link").contains("Content-Security-Policy");
    assertThat(html.split("<svg", -1)).hasSize(5);
    assertThat(html).contains("id=\"chart-loss\"").contains("id=\"chart-accuracy\"").contains("id=\"chart-lr\"")
        .contains("id=\"chart-time\"").contains("id=\"confusion\"").contains("+0.1000");
  }

  @Test
  void render_goldenRun_showsEveryOptionalPart() throws Exception {
    Path golden = Path.of("src/test/resources/golden");
    HtmlReport.RunFiles run = new HtmlReport.RunFiles(
        RunJson.summary(Files.readString(golden.resolve("summary.json")), "summary.json"),
        RunJson.metrics(Files.readString(golden.resolve("metrics.jsonl")), "metrics.jsonl"), "seed = 42", null, null,
        null);
    String html = HtmlReport.render(run);
    assertThat(html).contains("(test-time augmentation, 10 views").contains("Suggested learning rate <b>0.0035</b>")
        .contains("<b>dead-relu</b> (epoch 2, round 4, held in 3 rounds)").contains("0.0035 → 0.0035")
        .contains("1 file outside a class folder, 2 undecodable image").contains("<li>horizontal flip (p = 0.5)</li>")
        .contains("Stopped by early stopping").contains("id=\"chart-rounds\"").contains("id=\"chart-gradient-norm\"");
  }

  @Test
  void html_escapesEveryMarkupCharacter() {
    assertThat(Html.esc("<a href='x'>\"&\"</a>")).isEqualTo("&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
  }
}
