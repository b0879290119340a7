package io.sparktrain.cli;

import io.sparktrain.augment.AugmentPipeline;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.data.DataException;
import io.sparktrain.data.DataLoader;
import io.sparktrain.data.ExportFolder;
import io.sparktrain.data.Splits;
import io.sparktrain.data.StorageException;
import io.sparktrain.publish.RunDirectory;
import io.sparktrain.report.HtmlReport;
import io.sparktrain.report.LrFindFiles;
import io.sparktrain.report.MetricsLog;
import io.sparktrain.report.ReportFiles;
import io.sparktrain.report.schema.SummaryFile;
import io.sparktrain.serve.ModelFile;
import io.sparktrain.train.DivergedException;
import io.sparktrain.train.Interruption;
import io.sparktrain.train.RunCheckpoints;
import io.sparktrain.train.SparkSessions;
import io.sparktrain.train.TrainedModel;
import io.sparktrain.train.Trainer;
import io.sparktrain.train.TrainingEvents;
import io.sparktrain.train.TrainingState;
import java.io.File;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code sparktrain train}: one training run end to end, new or resumed. A new run refuses a folder that
 * holds a run; {@code --resume} continues one from its newest complete checkpoint (or starts one in an
 * empty folder), after checking that the job and the data are those the run started with.
 */
public final class TrainRun {
  /**
   * What a finished run reports back; tests read it instead of parsing output.
   *
   * @param model the trained model, or null when the folder held a completed run already
   */
  public record Result(String runDirectory, double testAccuracy, int testExamples, TrainedModel model) {}

  private final JobConfig job;
  private final String output;
  private final String master;
  private final PrintWriter out;
  private String uiUrl;
  private boolean resume;
  private boolean signals;
  private Interruption interruption = new Interruption();
  private final List<TrainingEvents> listeners = new ArrayList<>();

  public TrainRun(JobConfig job, String output, String master, PrintWriter out) {
    this.job = job;
    this.output = output;
    this.master = master;
    this.out = out;
  }

  /** Sends the workers' statistics to a DL4J UI server while training. */
  public TrainRun withUiUrl(String url) {
    this.uiUrl = url;
    return this;
  }

  /** Continues the run in the output folder if it holds one (else starts one there). */
  public TrainRun resuming() {
    this.resume = true;
    return this;
  }

  /** SIGTERM and SIGINT stop the run cleanly ({@link Signals}); the CLI's, not a test's. */
  public TrainRun handlingSignals() {
    this.signals = true;
    return this;
  }

  /** Stops at the next round boundary when {@code i} is requested (tests; the signal handlers use it too). */
  public TrainRun withInterruption(Interruption i) {
    this.interruption = i;
    return this;
  }

  /** Also tells {@code events} what the trainer reports. */
  public TrainRun withListener(TrainingEvents events) {
    listeners.add(events);
    return this;
  }

  public Result execute() {
    String startedAt = Instant.now().toString();
    long t0 = System.nanoTime();
    RunContext ctx = RunContext.start(job, output, master, out);
    JavaSparkContext sc = ctx.sc();
    String uri = ctx.outputUri();
    RunDirectory dir = RunDirectory.of(uri, sc.hadoopConfiguration());
    RunStart start = RunStart.of(dir, uri, job, resume, this::say);
    if (start instanceof RunStart.Done done) {
      SummaryFile.Test test = done.summary().test();
      double accuracy = test.accuracy() == null ? Double.NaN : test.accuracy();
      ctx.printf("resume: %s already holds a completed run (test accuracy %.4f); nothing to do%n", uri, accuracy);
      return new Result(dir.uri(), accuracy, (int) test.examples(), null);
    }
    Optional<RunCheckpoints.Checkpoint> checkpoint = start instanceof RunStart.Resumed r ? r.checkpoint()
        : Optional.empty();
    RunDirectory run = start instanceof RunStart.Resumed ? dir : RunDirectory.create(uri, sc.hadoopConfiguration());
    if (start instanceof RunStart.Resumed) {
      run.removeTemporaries();
      ctx.printf("%s%n", checkpoint.map(c -> "resume: from " + c.entry().file() + " (" + c.state().position() + ", "
          + c.state().epochs().size() + " epochs completed)")
          .orElse("resume: no complete checkpoint in " + run.uri() + "; training again from epoch 1"));
    }
    if (signals) {
      Signals.install(interruption, sc, System.err);
    }
    run.write("config.resolved.conf", ConfigLoader.renderRedacted(job.resolved()));
    ctx.printf("sparktrain %s: master %s, %d workers, run directory %s%n", job.name(), sc.master(),
        sc.defaultParallelism(), run.uri());
    RunSummaries summaries = new RunSummaries(run, job, startedAt);
    try {
      return train(ctx, run, start instanceof RunStart.Resumed, checkpoint, summaries, t0);
    } catch (RunInterrupted | DivergedException | StorageException e) {
      throw e;
    } catch (Exception e) {
      // A signal during loading or exporting: Spark's cancelled job (a SparkException, which Scala
      // throws unchecked) before there was a training state to keep.
      if (!interruption.requested()) {
        throw e;
      }
      summaries.interrupted(interruption.reason(), null,
          new RunCheckpoints(run, job.checkpoint().keep(), this::warn, () -> 0));
      throw stopped(sc, interruption.reason(), "stopped by " + interruption.reason() + " before training began in "
          + run.uri(), run);
    }
  }

  /** Loads the data and trains, new or from the checkpoint, then writes the run's files. */
  private Result train(RunContext ctx, RunDirectory run, boolean resumed, Optional<RunCheckpoints.Checkpoint> from,
      RunSummaries summaries, long t0) {
    TrainingState state = from.map(RunCheckpoints.Checkpoint::state).orElse(null);
    long t1 = System.nanoTime();
    Splits data = load(ctx, run, state);
    JobConfig named = job.withData(job.data().withClassNames(data.classNames()));
    double loadSeconds = (System.nanoTime() - t1) / 1e9;
    ctx.printf("data: %d train, %d validation, %d test examples of %s (%.1f s)%n", data.trainCount(),
        data.validationCount(), data.testCount(), data.shape(), loadSeconds);
    AugmentPipeline pipeline = augmentation(ctx, run, named, data, state);
    ExportFolder export = exportFolder(ctx, run);
    MetricsLog metrics = metrics(run, resumed, from);
    RunCheckpoints checkpoints = new RunCheckpoints(run, named.checkpoint().keep(), this::warn, () -> {
      if (export != null) {
        export.touch();
      }
      return metrics.flush();
    });
    Trainer.Approach approach = export == null ? new Trainer.Direct()
        : new Trainer.Export(export.create().uri(), () -> export.delete(this::warn));
    RunEvents events = new RunEvents(metrics, new ConsoleProgress(out, System.console() != null,
        named.train().epochs()), listeners);
    TrainedModel model = fit(ctx, new Trainer(ctx.sc(), named, uiUrl), new Trainer.Run(data, pipeline, approach, state,
        checkpoints, events, interruption), metrics, checkpoints, summaries);
    metrics.flush();
    byte[] zip = ModelFile.write(model.network(), ModelFile.manifest(named, data,
        io.sparktrain.publish.Provenance.versions(ctx.spark().version()).get("sparktrain"), Instant.now().toString()),
        data.scaler());
    run.write(ModelFile.FILE, stream -> stream.write(zip));
    SummaryFile.Model written = new SummaryFile.Model(ModelFile.FILE, ModelFile.sha256(zip), zip.length);
    checkpoints.keepNewestOnly();
    if (model.health().lrFind() != null) {
      LrFindFiles.write(run, model.health().lrFind());
    }
    summaries.completed(ctx, named, data, model, loadSeconds, t0, checkpoints, written);
    if (data.shape().image()) {
      byte[] png = Misclassified.grid(model.network(), data, named.data());
      if (png != null) {
        run.write(ReportFiles.MISCLASSIFIED, stream -> stream.write(png));
      }
    }
    run.write(HtmlReport.FILE, HtmlReport.render(ReportFiles.read(run.uri(), ctx.sc().hadoopConfiguration())));
    ctx.printf("report: %s%n", run.resolve(HtmlReport.FILE));
    data.unpersist();
    return new Result(run.uri(), model.test().accuracy(), model.test().getNumRowCounter(), model);
  }

  /** The job's data; a resumed run's must be the data its checkpoint was trained on. */
  private Splits load(RunContext ctx, RunDirectory run, TrainingState from) {
    Splits data = ctx.load(run.resolve(RunContext.REJECTED), from == null ? DataLoader.Fixed.NONE
        : new DataLoader.Fixed(from.facts().partitions(), from.facts().scaler()));
    if (from != null && !data.identity().equals(from.facts().split())) {
      throw new DataException(job.data().train() + ": the data differ from those the run in " + run.uri()
          + " started with: its splits held " + from.facts().split().describe() + ", now "
          + data.identity().describe() + "; resume with the same data, or train into a new folder");
    }
    return data;
  }

  /** The augmentation pipeline (a resumed run's with its recorded deviations), described and previewed. */
  private AugmentPipeline augmentation(RunContext ctx, RunDirectory run, JobConfig named, Splits data,
      TrainingState from) {
    AugmentPipeline pipeline = from == null ? Trainer.augmentPipeline(named, data)
        : Trainer.augmentPipeline(named, data, from.facts().featureStd());
    if (!pipeline.isEmpty()) {
      ctx.printf("augmentation on the executors every epoch: %s%n", String.join("; ", pipeline.describe()));
      if (data.shape().image()) {
        byte[] png = Misclassified.augmentationGrid(pipeline, data, named.data());
        run.write(ReportFiles.AUGMENTATION, stream -> stream.write(png));
      }
    }
    return pipeline;
  }

  /** Trains; a signal or a divergence leaves its summary.json before the run ends. */
  private TrainedModel fit(RunContext ctx, Trainer trainer, Trainer.Run plan, MetricsLog metrics,
      RunCheckpoints checkpoints, RunSummaries summaries) {
    try {
      return trainer.train(plan);
    } catch (Interruption.Interrupted e) {
      flushQuietly(metrics);
      summaries.interrupted(e.reason(), e.state(), checkpoints);
      throw stopped(ctx.sc(), e.reason(), "training stopped by " + e.reason() + " at " + e.state().position()
          + " of " + summaries.run().uri() + "; the state is checkpointed", summaries.run());
    } catch (DivergedException e) {
      flushQuietly(metrics);
      summaries.diverged(e);
      throw e;
    }
  }

  /** The failure a signal ends the run with, once the cancelled tasks are done. */
  private static RunInterrupted stopped(JavaSparkContext sc, String reason, String what, RunDirectory run) {
    awaitCancelledTasks(sc);
    return new RunInterrupted(reason, what + "; continue with `sparktrain train --resume " + run.uri()
        + " --config JOB`");
  }

  private MetricsLog metrics(RunDirectory run, boolean resumed, Optional<RunCheckpoints.Checkpoint> from) {
    if (!resumed || !run.exists(MetricsLog.FILE)) {
      return new MetricsLog(run);
    }
    List<String> previous = run.read(MetricsLog.FILE).lines().filter(l -> !l.isBlank()).toList();
    TrainingState.Position at = from.map(c -> c.state().position()).orElse(new TrainingState.Position(1, 0));
    return MetricsLog.continuing(run, previous, from.map(c -> c.entry().metricsLines()).orElse(0L), at.epoch(),
        at.round(), from.map(c -> c.entry().file()).orElse(null));
  }

  /**
   * Local mode: a folder named after the run under the temporary directory. A cluster:
   * {@code train.exportDirectory}, else under the run directory; null (the direct approach) when the
   * job asks for it or the run directory is on a file system the executors do not share.
   */
  private ExportFolder exportFolder(RunContext ctx, RunDirectory run) {
    if (job.train().approach() == io.sparktrain.config.TrainConfig.Approach.DIRECT) {
      return null;
    }
    org.apache.hadoop.conf.Configuration conf = ctx.sc().hadoopConfiguration();
    if (!job.train().exportDirectory().isBlank()) {
      ExportFolder.sweep(job.train().exportDirectory(), conf, this::warn);
      return ExportFolder.forRun(job.train().exportDirectory(), run.uri(), conf);
    }
    if (SparkSessions.isLocal(ctx.spark())) {
      String tmp = new File(System.getProperty("java.io.tmpdir")).toURI().toString();
      ExportFolder.sweep(tmp, conf, this::warn);
      return ExportFolder.forRun(tmp, run.uri(), conf);
    }
    String dir = run.resolve("_export");
    if (dir.startsWith("file:")) {
      // dl4j-spark refuses to export to a file: folder on a cluster: executors would not see each other's files.
      out.println("note: the run directory is on file:, which executors on a cluster do not share; training with "
          + "train.approach = direct (set train.exportDirectory to an hdfs: or s3a: folder to export instead)");
      return null;
    }
    return ExportFolder.at(dir, conf);
  }

  /**
   * Cancelling a job does not stop the tasks already running (interrupting ND4J or an HDFS write in the
   * middle is worse); they end within a round's work. Waiting for them, at most a minute, lets the JVM
   * stop Spark after they are done instead of under them.
   */
  private static void awaitCancelledTasks(JavaSparkContext sc) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline && java.util.Arrays.stream(sc.sc().statusTracker().getExecutorInfos())
        .anyMatch(e -> e.numRunningTasks() > 0)) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void flushQuietly(MetricsLog metrics) {
    try {
      metrics.flush();
    } catch (StorageException e) {
      warn(e.getMessage());
    }
  }

  private void say(String message) {
    out.println(message);
    out.flush();
  }

  private void warn(String message) {
    out.println("warning: " + message);
    out.flush();
  }
}
