package io.sparktrain.cli;

import io.sparktrain.config.Check;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import java.io.File;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sparktrain evaluate}: a model's test figures on labelled data, as evaluation.json and a page. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Evaluate a trained model on labelled data on the Spark executors: the test set of a job file "
        + "(--config) or labelled --input. Writes evaluation.json (the metrics, per-class figures and confusion "
        + "matrix of a training run's test section), evaluation.html and, for images, misclassified.png."})
public final class EvaluateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @picocli.CommandLine.Mixin
  ScoringOptions scoring = new ScoringOptions();

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "A job file whose test set (its data.test, or the share it holds out) is evaluated.")
  File config;

  @Option(names = {"-o", "--output"}, paramLabel = "URI",
      description = "Folder for evaluation.json and evaluation.html. Default: evaluations/<timestamp>.")
  String output;

  @picocli.CommandLine.Mixin
  MasterOption spark = new MasterOption();

  @Override
  public Integer call() {
    Check.that((config == null) != (scoring.input == null), config == null ? "--input" : "--config",
        "give the data to evaluate on: --config JOB.conf (its test set) or --input URI (labelled data), not both");
    JobConfig job = config == null ? null : ConfigLoader.load(config, scoring.sparkOverrides);
    new EvaluateRun(scoring, job, output, spark.master, spec.commandLine().getOut()).execute();
    return ExitCode.OK.code();
  }
}
