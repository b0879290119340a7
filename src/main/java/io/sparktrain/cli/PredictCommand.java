package io.sparktrain.cli;

import io.sparktrain.config.Check;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sparktrain predict}: scores data with a trained model on the executors and writes Parquet. */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = {"Score data with a trained model on the Spark executors (the model's own normalisation "
        + "applied) and write the predictions as Parquet: the input's identifying columns, label (when the input "
        + "has labels), predicted, predictedIndex and probabilities."})
public final class PredictCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @picocli.CommandLine.Mixin
  ScoringOptions scoring = new ScoringOptions();

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "URI",
      description = "The Parquet folder to write (must not exist); rejected input records go to its _rejected/.")
  String output;

  @picocli.CommandLine.Mixin
  MasterOption spark = new MasterOption();

  @Override
  public Integer call() {
    Check.that(scoring.input != null, "--input", "predict needs the data to score (--input URI)");
    new PredictRun(scoring, output, spark.master, spec.commandLine().getOut()).execute();
    return ExitCode.OK.code();
  }
}
