package io.sparktrain.cli;

import io.sparktrain.augment.AugmentPipeline;
import io.sparktrain.config.ConfigException;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.config.ResumeCheck;
import io.sparktrain.data.DataException;
import io.sparktrain.data.DataLoader;
import io.sparktrain.data.ExportFolder;
import io.sparktrain.data.Splits;
import io.sparktrain.data.StorageException;
import io.sparktrain.publish.Provenance;
import io.sparktrain.publish.RunDirectory;
import io.sparktrain.report.HtmlReport;
import io.sparktrain.report.Json;
import io.sparktrain.report.LrFindFiles;
import io.sparktrain.report.MetricsLog;
import io.sparktrain.report.ReportFiles;
import io.sparktrain.report.Summary;
import io.sparktrain.report.schema.MetricsLine;
import io.sparktrain.report.schema.RunJson;
import io.sparktrain.report.schema.SummaryFile;
import io.sparktrain.train.DivergedException;
import io.sparktrain.train.FaultLog;
import io.sparktrain.train.Interruption;
import io.sparktrain.train.RunCheckpoints;
import io.sparktrain.train.SparkSessions;
import io.sparktrain.train.TrainedModel;
import io.sparktrain.train.Trainer;
import io.sparktrain.train.TrainingEvents;
import io.sparktrain.train.TrainingState;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.util.ModelSerializer;

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

  /** Where a run begins: a new one, or a checkpoint of the run in the folder (none: from the start). */
  private record Begin(boolean resumed, Optional<RunCheckpoints.Checkpoint> checkpoint) {}

  public Result execute() {
    String startedAt = Instant.now().toString();
    long t0 = System.nanoTime();
    RunContext ctx = RunContext.start(job, output, master, out);
    JavaSparkContext sc = ctx.sc();
    String uri = ctx.outputUri();
    RunDirectory dir = RunDirectory.of(uri, sc.hadoopConfiguration());
    Result done = finishedRun(dir, uri);
    if (done != null) {
      return done;
    }
    Begin begin = begin(dir, uri);
    RunDirectory run = begin.resumed() ? dir : RunDirectory.create(uri, sc.hadoopConfiguration());
    if (begin.resumed()) {
      run.removeTemporaries();
    }
    if (signals) {
      Signals.install(interruption, sc, System.err);
    }
    run.write("config.resolved.conf", ConfigLoader.renderRedacted(job.resolved()));
    ctx.printf("sparktrain %s: master %s, %d workers, run directory %s%n", job.name(), sc.master(),
        sc.defaultParallelism(), run.uri());
    try {
      return train(ctx, run, begin, startedAt, t0);
    } catch (RunInterrupted | DivergedException | StorageException e) {
      throw e;
    } catch (Exception e) {
      // A signal during loading or exporting: Spark's cancelled job (a SparkException, which Scala
      // throws unchecked) before there was a training state to keep.
      if (!interruption.requested()) {
        throw e;
      }
      writeInterrupted(run, startedAt, interruption.reason(), null,
          new RunCheckpoints(run, job.checkpoint().keep(), this::warn, () -> 0));
      awaitCancelledTasks(sc);
      throw new RunInterrupted(interruption.reason(), "stopped by " + interruption.reason() + " before training "
          + "began in " + run.uri() + "; continue with `sparktrain train --resume " + run.uri() + " --config JOB`");
    }
  }

  /** Loads the data and trains, new or from the checkpoint, then writes the run's files. */
  private Result train(RunContext ctx, RunDirectory run, Begin begin, String startedAt, long t0) {
    JavaSparkContext sc = ctx.sc();
    TrainingState from = begin.checkpoint().map(RunCheckpoints.Checkpoint::state).orElse(null);
    if (begin.resumed()) {
      ctx.printf("%s%n", from == null ? "resume: no complete checkpoint in " + run.uri() + "; training again from epoch 1"
          : "resume: from " + begin.checkpoint().get().entry().file() + " (" + from.position() + ", "
              + from.epochs().size() + " epochs completed)");
    }

    long t1 = System.nanoTime();
    Splits data = ctx.load(run.resolve(RunContext.REJECTED), from == null ? DataLoader.Fixed.NONE
        : new DataLoader.Fixed(from.facts().partitions(), from.facts().scaler()));
    if (from != null && !data.identity().equals(from.facts().split())) {
      throw new DataException(job.data().train() + ": the data differ from those the run in " + run.uri()
          + " started with: its splits held " + from.facts().split().describe() + ", now "
          + data.identity().describe() + "; resume with the same data, or train into a new folder");
    }
    JobConfig named = job.withData(job.data().withClassNames(data.classNames()));
    double loadSeconds = (System.nanoTime() - t1) / 1e9;
    ctx.printf("data: %d train, %d validation, %d test examples of %s (%.1f s)%n", data.trainCount(),
        data.validationCount(), data.testCount(), data.shape(), loadSeconds);
    AugmentPipeline pipeline = from == null ? Trainer.augmentPipeline(named, data)
        : Trainer.augmentPipeline(named, data, from.facts().featureStd());
    if (!pipeline.isEmpty()) {
      ctx.printf("augmentation on the executors every epoch: %s%n", String.join("; ", pipeline.describe()));
      if (data.shape().image()) {
        byte[] png = Misclassified.augmentationGrid(pipeline, data, named.data());
        run.write(ReportFiles.AUGMENTATION, stream -> stream.write(png));
      }
    }
    ExportFolder export = exportFolder(ctx, run);
    MetricsLog metrics = metrics(run, begin);
    ConsoleProgress console = new ConsoleProgress(out, System.console() != null, named.train().epochs());
    RunEvents events = new RunEvents(metrics, console, listeners);
    RunCheckpoints checkpoints = new RunCheckpoints(run, named.checkpoint().keep(), this::warn, () -> {
      if (export != null) {
        export.touch();
      }
      return metrics.flush();
    });
    Trainer.Approach approach = export == null ? new Trainer.Direct()
        : new Trainer.Export(export.create().uri(), () -> export.delete(this::warn));
    TrainedModel model;
    try {
      model = new Trainer(sc, named, uiUrl).train(new Trainer.Run(data, pipeline, approach, from, checkpoints, events,
          interruption));
    } catch (Interruption.Interrupted e) {
      flushQuietly(metrics);
      writeInterrupted(run, startedAt, e.reason(), e.state(), checkpoints);
      awaitCancelledTasks(sc);
      throw new RunInterrupted(e.reason(), "training stopped by " + e.reason() + " at " + e.state().position()
          + " of " + run.uri() + "; the state is checkpointed: continue with `sparktrain train --resume " + run.uri()
          + " --config JOB`");
    } catch (DivergedException e) {
      flushQuietly(metrics);
      writeDiverged(run, startedAt, e);
      throw e;
    }
    metrics.flush();
    run.write("model.zip", stream -> ModelSerializer.writeModel(model.network(), stream, true));
    checkpoints.keepNewestOnly();
    if (model.health().lrFind() != null) {
      LrFindFiles.write(run, model.health().lrFind());
    }
    writeSummary(ctx, run, named, data, model, loadSeconds, startedAt, t0, checkpoints);
    if (data.shape().image()) {
      byte[] png = Misclassified.grid(model.network(), data, named.data());
      if (png != null) {
        run.write(ReportFiles.MISCLASSIFIED, stream -> stream.write(png));
      }
    }
    run.write(HtmlReport.FILE, HtmlReport.render(ReportFiles.read(run.uri(), sc.hadoopConfiguration())));
    ctx.printf("report: %s%n", run.resolve(HtmlReport.FILE));
    data.unpersist();
    return new Result(run.uri(), model.test().accuracy(), model.test().getNumRowCounter(), model);
  }

  /**
   * A folder whose summary says the run is over: with --resume, completed is an answer (nothing to do)
   * and diverged a failure that resuming would repeat. Null when there is something to do.
   */
  private Result finishedRun(RunDirectory dir, String uri) {
    if (!resume || !dir.exists(Summary.FILE)) {
      return null;
    }
    SummaryFile summary = RunJson.summary(dir.read(Summary.FILE), dir.resolve(Summary.FILE));
    if (summary.status() == SummaryFile.Status.COMPLETED) {
      double accuracy = summary.test().accuracy() == null ? Double.NaN : summary.test().accuracy();
      ctxPrint("resume: %s already holds a completed run (test accuracy %.4f); nothing to do%n", uri, accuracy);
      return new Result(dir.uri(), accuracy, (int) summary.test().examples(), null);
    }
    if (summary.status() == SummaryFile.Status.DIVERGED) {
      throw new DivergedException("the run in " + uri + " diverged (" + summary.message()
          + "); resuming it would diverge again: change the job and train into a new folder", null);
    }
    return null;
  }

  private void ctxPrint(String format, Object... args) {
    out.printf(Locale.ROOT, format, args);
    out.flush();
  }

  /** Decides whether this is a new run or a resumed one, and from which checkpoint. */
  private Begin begin(RunDirectory dir, String uri) {
    String found;
    try {
      found = dir.runFile();
    } catch (IOException e) {
      throw StorageException.reading(dir.uri(), e);
    }
    if (!resume && found != null && dir.exists(Summary.FILE)) {
      SummaryFile done = RunJson.summary(dir.read(Summary.FILE), dir.resolve(Summary.FILE));
      if (done.status() == SummaryFile.Status.COMPLETED) {
        throw new ConfigException("--output", uri + " already holds a completed run (test accuracy "
            + done.test().accuracy() + "); choose a new folder, so nothing is overwritten");
      }
    }
    if (!resume || found == null) {
      if (resume) {
        out.println("resume: " + uri + " holds no run yet; starting a new one there");
      }
      return new Begin(false, Optional.empty());
    }
    if (dir.exists("config.resolved.conf")) {
      ResumeCheck.check(dir.read("config.resolved.conf"), job, uri);
    }
    return new Begin(true, new RunCheckpoints(dir, job.checkpoint().keep(), this::warn, () -> 0).load());
  }

  private MetricsLog metrics(RunDirectory run, Begin begin) {
    if (!begin.resumed() || !run.exists(MetricsLog.FILE)) {
      return new MetricsLog(run);
    }
    List<String> previous = run.read(MetricsLog.FILE).lines().filter(l -> !l.isBlank()).toList();
    long kept = begin.checkpoint().map(c -> c.entry().metricsLines()).orElse(0L);
    int lostRounds = 0;
    double lostSeconds = 0;
    for (String line : previous.subList((int) Math.min(kept, previous.size()), previous.size())) {
      MetricsLine m = RunJson.line(line);
      if (m instanceof MetricsLine.Round r) {
        lostRounds++;
        lostSeconds += r.seconds() == null ? 0 : r.seconds();
      } else if (m instanceof MetricsLine.Epoch e && e.validationSeconds() != null) {
        lostSeconds += e.validationSeconds();
      }
    }
    TrainingState.Position at = begin.checkpoint().map(c -> c.state().position())
        .orElse(new TrainingState.Position(1, 0));
    MetricsLine.Resume resumed = new MetricsLine.Resume(at.epoch(), at.round(),
        begin.checkpoint().map(c -> c.entry().file()).orElse(null), lostRounds, Json.num(lostSeconds),
        Instant.now().toString());
    return MetricsLog.continuing(run, previous, kept, resumed);
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

  private void writeSummary(RunContext ctx, RunDirectory run, JobConfig named, Splits data, TrainedModel model,
      double loadSeconds, String startedAt, long t0, RunCheckpoints checkpoints) {
    JavaSparkContext sc = ctx.sc();
    Map<String, Object> timings = new LinkedHashMap<>();
    timings.put("loadSeconds", loadSeconds);
    timings.put("trainSeconds", model.trainSeconds());
    timings.put("testSeconds", model.testSeconds());
    timings.put("totalSeconds", (System.nanoTime() - t0) / 1e9);
    Map<String, Object> sparkInfo = new LinkedHashMap<>();
    sparkInfo.put("master", sc.master());
    sparkInfo.put("defaultParallelism", sc.defaultParallelism());
    // Block managers, less the driver's own outside local mode.
    int blockManagers = sc.sc().getExecutorMemoryStatus().size();
    sparkInfo.put("executors", sc.isLocal() ? 1 : Math.max(0, blockManagers - 1));
    sparkInfo.put("applicationId", sc.sc().applicationId());
    sparkInfo.put("taskCpus", sc.getConf().get("spark.task.cpus", "1"));
    Summary.Context context = new Summary.Context(named, data, model, timings, sparkInfo,
        Provenance.versions(ctx.spark().version()), Provenance.gitCommit(), startedAt, Instant.now().toString());
    run.write(Summary.FILE, Json.pretty(Summary.build(context).withReliability(reliability(run, model.state(),
        checkpoints))));
  }

  /** Checkpoints, resumes and what the cluster lost, over every attempt at the run. */
  private SummaryFile.Reliability reliability(RunDirectory run, TrainingState state, RunCheckpoints checkpoints) {
    List<MetricsLine.Resume> resumes = RunJson.metrics(run.read(MetricsLog.FILE), run.resolve(MetricsLog.FILE))
        .stream().filter(MetricsLine.Resume.class::isInstance).map(MetricsLine.Resume.class::cast).toList();
    FaultLog.Faults f = state.totals().faults();
    List<SummaryFile.ExecutorLost> lost = f.executorsLost().stream()
        .map(e -> new SummaryFile.ExecutorLost(e.executorId(), e.reason(), e.time())).toList();
    return new SummaryFile.Reliability(resumes, new SummaryFile.Faults(lost, f.failedTasks(),
        Json.num(f.lostTaskSeconds())), new SummaryFile.Checkpoints(job.checkpoint().everyRounds(),
        job.checkpoint().keep(), checkpoints.saved(), Json.num(checkpoints.saveSeconds())));
  }

  private void writeDiverged(RunDirectory run, String startedAt, DivergedException e) {
    run.write(Summary.FILE, Json.pretty(Summary.diverged(job.name(), e.getMessage(), startedAt,
        Instant.now().toString(), e.health())));
  }

  /** summary.json of a run a signal stopped: where it stood, and the checkpoint to continue from. */
  private void writeInterrupted(RunDirectory run, String startedAt, String reason, TrainingState state,
      RunCheckpoints checkpoints) {
    SummaryFile.Reached reached = state == null ? new SummaryFile.Reached(1, 0, 0)
        : new SummaryFile.Reached(state.position().epoch(), state.position().round(), state.epochs().size());
    List<RunCheckpoints.Entry> entries = checkpoints.pointer().checkpoints();
    run.write(Summary.FILE, Json.pretty(Summary.interrupted(job.name(), "stopped by " + reason
        + "; continue with sparktrain train --resume " + run.uri(), reached,
        entries.isEmpty() ? null : entries.get(0).file(), startedAt, Instant.now().toString(),
        state == null ? null : Trainer.health(state, "interrupted", "stopped by " + reason, state.epochs().size()))));
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

  private void warn(String message) {
    out.println("warning: " + message);
    out.flush();
  }
}
