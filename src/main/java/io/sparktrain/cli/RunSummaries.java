package io.sparktrain.cli;

import io.sparktrain.config.JobConfig;
import io.sparktrain.data.Splits;
import io.sparktrain.publish.Provenance;
import io.sparktrain.publish.RunDirectory;
import io.sparktrain.report.Json;
import io.sparktrain.report.MetricsLog;
import io.sparktrain.report.Summary;
import io.sparktrain.report.schema.MetricsLine;
import io.sparktrain.report.schema.RunJson;
import io.sparktrain.report.schema.SummaryFile;
import io.sparktrain.train.DivergedException;
import io.sparktrain.train.FaultLog;
import io.sparktrain.train.RunCheckpoints;
import io.sparktrain.train.TrainedModel;
import io.sparktrain.train.Trainer;
import io.sparktrain.train.TrainingState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/** summary.json of a training run, however it ended: completed, diverged, or stopped by a signal. */
record RunSummaries(RunDirectory run, JobConfig job, String startedAt) {
  void completed(RunContext ctx, JobConfig named, Splits data, TrainedModel model, double loadSeconds, long t0,
      RunCheckpoints checkpoints, SummaryFile.Model written) {
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
    run.write(Summary.FILE, Json.pretty(Summary.build(context).withReliability(reliability(model.state(),
        checkpoints)).withModel(written)));
  }

  /** Checkpoints, resumes and what the cluster lost, over every attempt at the run. */
  private SummaryFile.Reliability reliability(TrainingState state, RunCheckpoints checkpoints) {
    List<MetricsLine.Resume> resumes = RunJson.metrics(run.read(MetricsLog.FILE), run.resolve(MetricsLog.FILE))
        .stream().filter(MetricsLine.Resume.class::isInstance).map(MetricsLine.Resume.class::cast).toList();
    FaultLog.Faults f = state.totals().faults();
    List<SummaryFile.ExecutorLost> lost = f.executorsLost().stream()
        .map(e -> new SummaryFile.ExecutorLost(e.executorId(), e.reason(), e.time())).toList();
    return new SummaryFile.Reliability(resumes, new SummaryFile.Faults(lost, f.failedTasks(),
        Json.num(f.lostTaskSeconds())), new SummaryFile.Checkpoints(job.checkpoint().everyRounds(),
        job.checkpoint().keep(), checkpoints.saved(), Json.num(checkpoints.saveSeconds())));
  }

  void diverged(DivergedException e) {
    run.write(Summary.FILE, Json.pretty(Summary.diverged(job.name(), e.getMessage(), startedAt,
        Instant.now().toString(), e.health())));
  }

  /**
   * Where a run a signal stopped stood, and the checkpoint to continue from.
   *
   * @param state the state it stood in; null when training had not begun
   */
  void interrupted(String reason, TrainingState state, RunCheckpoints checkpoints) {
    SummaryFile.Reached reached = state == null ? new SummaryFile.Reached(1, 0, 0)
        : new SummaryFile.Reached(state.position().epoch(), state.position().round(), state.epochs().size());
    List<RunCheckpoints.Entry> entries = checkpoints.pointer().checkpoints();
    run.write(Summary.FILE, Json.pretty(Summary.interrupted(job.name(), "stopped by " + reason
        + "; continue with sparktrain train --resume " + run.uri(), reached,
        entries.isEmpty() ? null : entries.get(0).file(), startedAt, Instant.now().toString(),
        state == null ? null : Trainer.health(state, "interrupted", "stopped by " + reason, state.epochs().size()))));
  }
}
