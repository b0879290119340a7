package io.sparktrain.cli;

import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code sparktrain config}: validates a job and prints it as one self-contained HOCON file. The submit
 * scripts ship that file to the cluster, so includes and --set overrides travel with it.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Validate a job and print it as one HOCON file (includes inlined, --set applied).")
public final class ConfigCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @picocli.CommandLine.Mixin
  JobOptions jobOptions = new JobOptions();

  @Option(names = "--resolved",
      description = "Print every key with defaults merged and secrets masked, instead of the job as written "
          + "(where ${?ENV} substitutions stay for the cluster to resolve).")
  boolean resolved;

  @Override
  public Integer call() {
    JobConfig loaded = jobOptions.load();
    PrintWriter out = spec.commandLine().getOut();
    out.print(resolved ? ConfigLoader.renderRedacted(loaded.resolved())
        : ConfigLoader.renderJob(ConfigLoader.parseJob(jobOptions.config, jobOptions.overrides)));
    out.flush();
    return ExitCode.OK.code();
  }
}
