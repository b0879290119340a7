package io.sparktrain.cli;

import picocli.CommandLine.Option;

/** {@code --master}, shared by the commands that start Spark (a picocli mixin). */
final class MasterOption {
  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master, e.g. local[2]. Default: the one spark-submit sets, else spark.master in the job.")
  String master;
}
