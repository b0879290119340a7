package io.sparktrain.report.schema;

import java.util.Map;

/**
 * evaluation.json, written by {@code sparktrain evaluate}: a model's test figures on labelled data, in the
 * form of summary.json's test section, with what was evaluated.
 *
 * @param model what --model named, and the model.zip it resolved to
 * @param modelSha256 the SHA-256 of that model.zip
 * @param job the job that trained the model (its manifest's)
 * @param input the data: the job file's test set, or --input
 * @param unlabelled records of the input without a label (left out of the figures)
 * @param rejected the input's bad records, as in summary.json
 * @param loss how {@code test.loss} was computed
 */
public record EvaluationFile(
    String model,
    String modelFile,
    String modelSha256,
    String job,
    String input,
    String startedAt,
    String finishedAt,
    SummaryFile.Test test,
    long unlabelled,
    SummaryFile.Rejected rejected,
    String loss,
    Map<String, String> versions) {
  public static final String FILE = "evaluation.json";
}
