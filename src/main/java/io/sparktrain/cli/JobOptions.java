package io.sparktrain.cli;

import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that name a job: its config file and --set overrides (a picocli mixin). */
final class JobOptions {
  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "Job config (HOCON).")
  File config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override a config key, e.g. --set train.epochs=20 (repeatable).")
  List<String> overrides = new ArrayList<>();

  JobConfig load() {
    return ConfigLoader.load(config, overrides);
  }
}
