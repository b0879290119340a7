package io.sparktrain.cli;

import picocli.CommandLine.Command;

/** The top-level command: lists the sub-commands. */
@Command(name = "sparktrain", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Trains deep neural networks on Apache Spark with Deeplearning4j parameter averaging.",
    subcommands = {TrainCommand.class, ConfigCommand.class, DoctorCommand.class, PublishCommand.class,
        ReportCommand.class, LrFindCommand.class, AugmentCommand.class, TuneCommand.class, PredictCommand.class,
        EvaluateCommand.class},
    footer = {"", "Exit codes: 0 success, 1 unexpected failure, 2 bad config or arguments, 3 bad input data,",
        "4 training diverged, 5 quality gate refused the model, 6 preflight failed, 7 run directory could not be written,",
        "8 containers killed for exceeding their memory."})
public final class SparktrainCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @picocli.CommandLine.Option(names = "--verbose", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Print the stack trace of every failure, not only of unexpected ones.")
  boolean verbose;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
