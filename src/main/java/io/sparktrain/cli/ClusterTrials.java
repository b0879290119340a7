package io.sparktrain.cli;

import com.typesafe.config.ConfigFactory;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.publish.RunDirectory;
import io.sparktrain.report.schema.MetricsLine;
import io.sparktrain.report.schema.RunJson;
import io.sparktrain.report.schema.SummaryFile;
import io.sparktrain.train.DivergedException;
import io.sparktrain.train.Interruption;
import io.sparktrain.tune.TrialResult;
import io.sparktrain.tune.TrialRunner;
import io.sparktrain.tune.TrialTask;
import io.sparktrain.tune.TrialsCsv;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code tune.placement = cluster}: one trial at a time, trained exactly as {@code train} trains a job
 * (parameter averaging across every executor, the data loaded and quarantined by the trial) in a run
 * directory of its own, {@code trials/trial-NNNN/}. A trial that reaches a rung below the top stops there
 * as a signal would stop it ({@link Interruption#pauseAfter}): its training state is checkpointed in its
 * run directory, and a promotion continues it with {@code train --resume}, not from scratch.
 */
final class ClusterTrials implements TrialRunner {
  private final RunDirectory search;
  private final String master;

  ClusterTrials(RunDirectory search, String master) {
    this.search = search;
    this.master = master;
  }

  /** The run directory of trial {@code number}. */
  static String runOf(RunDirectory search, int number) {
    return search.resolve(String.format(Locale.ROOT, "trials/trial-%04d", number));
  }

  @Override
  public boolean carriesCheckpoints() {
    return false;
  }

  @Override
  public int slots() {
    return 1;
  }

  @Override
  public TrialResult run(TrialTask task) {
    long t0 = System.nanoTime();
    String uri = runOf(search, task.number());
    String failure = "";
    StringWriter console = new StringWriter();
    try {
      JobConfig job = ConfigLoader.fromConfig(ConfigFactory.parseString(task.job()), "trial " + task.number());
      Interruption pause = new Interruption();
      if (task.toEpochs() < job.train().epochs()) {
        pause.pauseAfter(task.toEpochs());
      }
      new TrainRun(job, uri, master, new PrintWriter(console, true)).resuming().withInterruption(pause).execute();
    } catch (RunInterrupted e) {
      if (!Interruption.PAUSE.equals(e.signal())) {
        failure = e.getMessage();
      }
    } catch (DivergedException e) {
      failure = "diverged: " + e.getMessage();
    } catch (OutOfMemoryError e) {
      failure = "out of memory (" + e.getMessage() + "); give the driver and executors more memory";
    } catch (RuntimeException e) {
      failure = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    RunDirectory run = RunDirectory.of(uri, search.fileSystem().getConf());
    List<TrialsCsv.Epoch> curve = curve(run, uri, task);
    int epochs = curve.isEmpty() ? task.fromEpochs() : curve.get(curve.size() - 1).epoch();
    String early = "";
    Optional<SummaryFile> summary = summary(run, uri);
    if (failure.isEmpty() && summary.isPresent() && summary.get().status() == SummaryFile.Status.COMPLETED
        && epochs < task.toEpochs() && summary.get().health() != null) {
      early = summary.get().health().stopping().reason();
    }
    return new TrialResult(task.number(), epochs, curve, null, failure, early, "cluster (" + uri + ")",
        (System.nanoTime() - t0) / 1e9, 1);
  }

  /** The epochs this task trained, from the trial run's metrics.jsonl. */
  private static List<TrialsCsv.Epoch> curve(RunDirectory run, String uri, TrialTask task) {
    List<TrialsCsv.Epoch> curve = new ArrayList<>();
    if (run.exists("metrics.jsonl")) {
      for (MetricsLine line : RunJson.metrics(run.read("metrics.jsonl"), uri + "/metrics.jsonl")) {
        if (line instanceof MetricsLine.Epoch e && e.epoch() > task.fromEpochs()) {
          curve.add(new TrialsCsv.Epoch(task.number(), e.epoch(), num(e.trainLoss()), num(e.validationLoss()),
              num(e.validationAccuracy()), num(e.learningRate()), num(e.seconds())));
        }
      }
    }
    return curve;
  }

  /** The test accuracy of a completed trial's run, if it has one. */
  static Double testAccuracy(RunDirectory search, int number) {
    String uri = runOf(search, number);
    return summary(RunDirectory.of(uri, search.fileSystem().getConf()), uri)
        .filter(s -> s.status() == SummaryFile.Status.COMPLETED && s.test() != null)
        .map(s -> s.test().accuracy()).orElse(null);
  }

  private static Optional<SummaryFile> summary(RunDirectory run, String uri) {
    return run.exists("summary.json") ? Optional.of(RunJson.summary(run.read("summary.json"), uri + "/summary.json"))
        : Optional.empty();
  }

  private static double num(Double d) {
    return d == null ? Double.NaN : d;
  }
}
