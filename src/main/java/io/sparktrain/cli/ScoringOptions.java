package io.sparktrain.cli;

import io.sparktrain.data.ScoringInput;
import io.sparktrain.serve.ModelFile;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of the commands that use a trained model (predict, evaluate): the model and the input. */
final class ScoringOptions {
  @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
      description = "A model.zip, a run directory, or registry://NAME[@vN] (the registry's champion, or version N).")
  String model;

  @Option(names = "--registry", paramLabel = "URI",
      description = "The registry root for registry://NAME. Default: the environment variable SPARKTRAIN_REGISTRY.")
  String registry;

  @Option(names = {"-i", "--input"}, paramLabel = "URI",
      description = "The data to score (path, file:, hdfs: or s3a: URI): a CSV or Parquet file or folder, an image "
          + "folder, or an IDX images file.")
  String input;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "idx, csv, parquet or images. Default: the format the model was trained on.")
  String format;

  @Option(names = "--labels", paramLabel = "URI", description = "IDX input: the labels file (optional).")
  String labels;

  @Option(names = "--id", paramLabel = "COLUMN",
      description = "CSV or Parquet input: a column that identifies each row, kept in the output (repeatable). "
          + "Without one, the output keeps the file and a row id.")
  List<String> ids = new ArrayList<>();

  @Option(names = "--set", paramLabel = "spark.KEY=VALUE",
      description = "A Spark setting, e.g. --set spark.conf.spark.executor.memory=4g (repeatable).")
  List<String> sparkOverrides = new ArrayList<>();

  String registryRoot() {
    return registry != null ? registry : System.getenv("SPARKTRAIN_REGISTRY");
  }

  /** What to read: --input in --format (else the model's), with --labels and --id. */
  ScoringInput.Spec spec(ModelFile.Loaded model) {
    String key = format != null ? format : model.manifest().source().format();
    ScoringInput.Format f = ScoringInput.Format.of(key);
    io.sparktrain.config.Check.that(f != null, "--format", "one of idx, csv, parquet, images; found '" + key + "'");
    io.sparktrain.config.Check.that(labels == null || f == ScoringInput.Format.IDX, "--labels",
        "goes with IDX input only (CSV and Parquet take the label from their label column, image folders from "
            + "their class folders)");
    io.sparktrain.config.Check.that(ids.isEmpty() || f == ScoringInput.Format.CSV || f == ScoringInput.Format.PARQUET,
        "--id", "goes with CSV or Parquet input (images are identified by their path, IDX records by their index)");
    return new ScoringInput.Spec(f, input, labels, List.copyOf(ids));
  }
}
