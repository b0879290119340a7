package io.sparktrain.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sparktrain augment}: a fixed expanded training set, written to Parquet. */
@Command(name = "augment", mixinStandardHelpOptions = true,
    description = "Write the job's training split and K augmented copies of it (augment.ops, per-example "
        + "operations) as one Parquet folder: columns copy (0 = original), index, label, features.")
public final class AugmentCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @picocli.CommandLine.Mixin
  JobOptions jobOptions = new JobOptions();

  @Option(names = "--copies", paramLabel = "K", required = true, description = "Augmented copies of each example.")
  int copies;

  @Option(names = {"-o", "--output"}, paramLabel = "URI", required = true,
      description = "The Parquet folder to create (path, file:, hdfs: or s3a: URI); must not exist.")
  String output;

  @picocli.CommandLine.Mixin
  MasterOption spark = new MasterOption();

  @Override
  public Integer call() {
    io.sparktrain.config.Check.range("--copies", copies, 1, 1_000);
    new AugmentRun(jobOptions.load(), spark.master, spec.commandLine().getOut()).execute(copies, output);
    return ExitCode.OK.code();
  }
}
