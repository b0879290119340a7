package io.sparktrain.cli;

import com.typesafe.config.Config;
import io.sparktrain.config.ConfigException;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.config.SearchSpace;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sparktrain tune}: hyperparameter and architecture search with ASHA across the executors. */
@Command(name = "tune", mixinStandardHelpOptions = true,
    description = "Search the space of SPACE.conf for the job: trials on the executors, stopped early by ASHA; "
        + "writes trials.csv, curves.csv, best.conf (a runnable job) and tune.html to the search folder.")
public final class TuneCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @picocli.CommandLine.Mixin
  JobOptions jobOptions = new JobOptions();

  @Option(names = "--space", required = true, paramLabel = "SPACE.conf",
      description = "The search space: dimensions = [{ key = ..., type = loguniform|uniform|int|choice, ... }].")
  File space;

  @Option(names = "--trials", paramLabel = "N", description = "Trials at most (default: tune.trials).")
  int trials;

  @Option(names = "--max-epochs", paramLabel = "E", description = "Epochs a trial trains at most (default: tune.maxEpochs).")
  int maxEpochs;

  @Option(names = "--parallelism", paramLabel = "P",
      description = "Trials at once (default: tune.parallelism, 0 = one per Spark task slot).")
  int parallelism;

  @Option(names = {"-o", "--output"}, paramLabel = "URI", description = "The search folder. Default: runs/tune-<timestamp>.")
  String output;

  @Option(names = "--resume", description = "Continue the search in --output from what it wrote.")
  boolean resume;

  @picocli.CommandLine.Mixin
  MasterOption spark = new MasterOption();

  @Override
  public Integer call() {
    if (trials < 0 || maxEpochs < 0 || parallelism < 0) {
      throw new ConfigException("--trials/--max-epochs/--parallelism", "must be positive");
    }
    if (resume && (output == null || output.isBlank())) {
      throw new ConfigException("--resume", "needs --output: the folder of the search to continue");
    }
    Config jobTree = ConfigLoader.parseJob(jobOptions.config, jobOptions.overrides);
    JobConfig job = ConfigLoader.fromConfig(jobTree, jobOptions.config.getPath());
    SearchSpace s = SearchSpace.load(space, jobTree, ConfigLoader.parseOverrides(jobOptions.overrides));
    s = s.with(s.tune().with(trials, maxEpochs, parallelism));
    String spaceText;
    try {
      spaceText = Files.readString(space.toPath(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("--space", "cannot read " + space + ": " + e.getMessage(), e);
    }
    TuneRun.Outcome outcome = new TuneRun(jobTree, job, s, spaceText, output, spark.master, resume,
        spec.commandLine().getOut()).execute();
    return outcome.best().isPresent() ? ExitCode.OK.code() : ExitCode.DIVERGED.code();
  }
}
