package io.sparktrain.cli;

import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import java.io.File;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sparktrain train}: loads the job, trains it on Spark and writes the run directory. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a model with parameter averaging on Spark and write its run directory.")
public final class TrainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "Job config (HOCON).")
  File config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override a config key, e.g. --set train.epochs=20 (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Option(names = {"-o", "--output"}, paramLabel = "URI",
      description = "Run directory (path, file:, hdfs: or s3a: URI). Default: runs/<timestamp>.")
  String output;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master, e.g. local[2]. Default: the one spark-submit sets, else spark.master in the job.")
  String master;

  @Override
  public Integer call() {
    JobConfig job = ConfigLoader.load(config, overrides);
    PrintWriter out = spec.commandLine().getOut();
    TrainingRun.Result result = new TrainingRun(job, output, master, out).execute();
    out.printf(Locale.ROOT, "test accuracy %.4f on %d examples; run directory: %s%n",
        result.testAccuracy(), result.testExamples(), result.runDirectory());
    out.flush();
    return ExitCode.OK.code();
  }
}
