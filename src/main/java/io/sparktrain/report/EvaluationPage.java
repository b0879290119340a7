package io.sparktrain.report;

import static io.sparktrain.report.Html.esc;

import io.sparktrain.report.schema.EvaluationFile;
import io.sparktrain.report.schema.SummaryFile;
import java.util.Locale;

/**
 * evaluation.html: what {@code sparktrain evaluate} found, with the report's own test section (metrics
 * per class, the confusion matrix) and misclassified images, so a published model can be checked against
 * new labelled data on the same page a training run shows.
 */
public final class EvaluationPage {
  public static final String FILE = "evaluation.html";

  private EvaluationPage() {}

  public static String render(EvaluationFile e, byte[] misclassifiedPng) {
    StringBuilder h = new StringBuilder(32 * 1024);
    HtmlReport.head(h, "evaluation of " + e.job());
    h.append("<h1>Evaluation of ").append(esc(e.job())).append("</h1>\n<p class=\"lead\">accuracy <b>")
        .append(HtmlReport.pct(e.test().accuracy())).append("</b> on ").append(e.test().examples())
        .append(" labelled examples of ").append(esc(e.input())).append(" · ").append(esc(e.finishedAt()))
        .append("</p>\n");
    HtmlReport.test(h, e.test());
    HtmlReport.misclassified(h, misclassifiedPng);
    h.append("<section id=\"evaluated\"><h2>What was evaluated</h2><table>");
    HtmlReport.row(h, "model", e.model());
    HtmlReport.row(h, "model file", e.modelFile());
    HtmlReport.row(h, "model SHA-256", e.modelSha256());
    HtmlReport.row(h, "trained by the job", e.job());
    HtmlReport.row(h, "input", e.input());
    HtmlReport.row(h, "unlabelled records (left out)", String.valueOf(e.unlabelled()));
    SummaryFile.Rejected r = e.rejected();
    HtmlReport.row(h, "rejected records", r.total() == 0 ? "none" : String.format(Locale.ROOT, "%d (%s)", r.total(),
        String.join("; ", r.sources().stream().map(s -> s.byReason() + " in " + s.source() + ", quarantined in "
            + s.quarantine()).toList())));
    HtmlReport.row(h, "loss", e.loss());
    HtmlReport.row(h, "started", e.startedAt());
    HtmlReport.row(h, "finished", e.finishedAt());
    e.versions().forEach((k, v) -> HtmlReport.row(h, k, v));
    h.append("</table></section>\n</body></html>\n");
    return h.toString();
  }
}
