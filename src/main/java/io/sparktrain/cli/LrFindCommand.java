package io.sparktrain.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sparktrain lr-find}: the learning-rate range test (Smith 2017) on the executors. */
@Command(name = "lr-find", mixinStandardHelpOptions = true,
    description = "Sweep the learning rate exponentially over a few hundred minibatches on the executors, "
        + "print the suggested rate and the rule used, and write the loss-against-rate curve (CSV and PNG).")
public final class LrFindCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @picocli.CommandLine.Mixin
  JobOptions jobOptions = new JobOptions();

  @Option(names = {"-o", "--output"}, paramLabel = "URI",
      description = "Directory for lr-find.csv, lr-find.png and lr-find.json. Default: runs/<timestamp>.")
  String output;

  @picocli.CommandLine.Mixin
  MasterOption spark = new MasterOption();

  @Override
  public Integer call() {
    new LrFindRun(jobOptions.load(), output, spark.master, spec.commandLine().getOut()).execute();
    return ExitCode.OK.code();
  }
}
