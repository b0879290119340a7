package io.sparktrain.cli;

import io.sparktrain.config.JobConfig;
import io.sparktrain.train.TrainedModel;
import java.io.PrintWriter;
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

  @picocli.CommandLine.Mixin
  JobOptions jobOptions = new JobOptions();

  @Option(names = {"-o", "--output"}, paramLabel = "URI",
      description = "Run directory (path, file:, hdfs: or s3a: URI). Default: runs/<timestamp>.")
  String output;

  @picocli.CommandLine.Mixin
  MasterOption spark = new MasterOption();

  @Option(names = "--ui-url", paramLabel = "URL",
      description = "Send the workers' training statistics live to a DL4J UI server, e.g. http://host:9000.")
  String uiUrl;

  @Option(names = "--resume", arity = "0..1", paramLabel = "RUN_DIR", fallbackValue = "",
      description = "Continue the run in RUN_DIR (default: --output) from its newest complete checkpoint; the job must "
          + "match the one it started with, except keys that may change (train.epochs, spark.*, ...). A folder "
          + "without a run starts one; a completed run is left as it is.")
  String resume;

  @Option(names = "--dry-run",
      description = "Check the config and arguments, print what would run, and exit without starting Spark.")
  boolean dryRun;

  @Override
  public Integer call() {
    JobConfig job = jobOptions.load();
    if (uiUrl != null) {
      io.sparktrain.config.Check.that(uiUrl.matches("https?://[^/\\s]+(/\\S*)?"), "--ui-url",
          "expected the address of a DL4J UI server such as http://host:9000, found '" + uiUrl + "'");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (dryRun) {
      out.printf(Locale.ROOT, "dry run: job %s is valid%n  data: %s %s (test: %s)%n  model: %d layers, %s lr %s%n"
              + "  train: %d epochs, %d per worker, averaging every %d%n  master: %s%n  output: %s%s%n",
          job.name(), job.data().format(), job.data().train(),
          job.data().hasTestSet() ? job.data().test() : "held out " + job.data().testFraction(),
          job.model().layers().size(), job.model().updater().type(), job.train().autoLearningRate()
              ? "auto (lr-find)" : String.valueOf(job.train().learningRate(job.model().updater())),
          job.train().epochs(), job.train().batchSizePerWorker(), job.train().averagingFrequency(),
          spark.master != null ? spark.master : System.getProperty("spark.master", job.spark().master()),
          output != null ? output : job.output().isBlank() ? "runs/<timestamp>" : job.output(),
          resume == null ? "" : " (--resume: continues the run there if it holds one)");
      out.flush();
      return ExitCode.OK.code();
    }
    String runDir = output;
    if (resume != null && !resume.isEmpty()) {
      io.sparktrain.config.Check.that(output == null || output.equals(resume), "--resume",
          "names " + resume + " but --output names " + output + "; give one folder");
      runDir = resume;
    }
    TrainRun run = new TrainRun(job, runDir, spark.master, out).withUiUrl(uiUrl).handlingSignals();
    TrainRun.Result result = (resume != null ? run.resuming() : run).execute();
    if (result.model() == null) {
      return ExitCode.OK.code();
    }
    TrainedModel.TestTime tta = result.model().testTime();
    String views = tta == null ? "" : String.format(Locale.ROOT, " (test-time augmentation, %s; %.4f without)",
        tta.views(), tta.withoutViews().accuracy());
    out.printf(Locale.ROOT, "test accuracy %.4f on %d examples%s; run directory: %s%n",
        result.testAccuracy(), result.testExamples(), views, result.runDirectory());
    out.flush();
    return ExitCode.OK.code();
  }
}
