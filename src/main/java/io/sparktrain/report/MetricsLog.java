package io.sparktrain.report;

import io.sparktrain.health.Diagnosis;
import io.sparktrain.health.LayerHealth;
import io.sparktrain.publish.RunDirectory;
import io.sparktrain.report.schema.MetricsLine;
import io.sparktrain.report.schema.RunJson;
import io.sparktrain.train.EpochMetrics;
import io.sparktrain.train.Recovery;
import io.sparktrain.train.RoundMetrics;
import io.sparktrain.train.StallEvent;
import io.sparktrain.train.TrainingEvents;
import io.sparktrain.train.TrainingState;
import java.time.Instant;
import java.util.List;

/**
 * metrics.jsonl: one {@link MetricsLine} per line, rewritten atomically each time so a reader following
 * the run always sees whole lines. Types: {@code round} after every averaging round, {@code health} (the
 * round's per-layer gradient health), {@code diagnosis}, {@code recovery} (the divergence guard undid a
 * round), {@code stall} (the stall policy acted), {@code epoch} after every epoch, and {@code resume} where a resumed run continued.
 */
public final class MetricsLog implements TrainingEvents {
  public static final String FILE = "metrics.jsonl";
  static final long FLUSH_NANOS = 5_000_000_000L;
  private final RunDirectory run;
  private final StringBuilder lines = new StringBuilder();
  private long lastFlush = System.nanoTime();
  private boolean dirty;
  private long lineCount;

  public MetricsLog(RunDirectory run) {
    this.run = run;
  }

  /**
   * A log that continues a resumed run's: its first {@code kept} lines (those the checkpoint it resumes
   * from had seen), then a {@code resume} line that says from where, and how much of the earlier
   * attempt's work (the round and epoch lines after those) is done again.
   *
   * @param previous the lines of the earlier attempts' metrics.jsonl
   * @param checkpoint the checkpoint's file name, null when the run starts again from epoch 1
   */
  public static MetricsLog continuing(RunDirectory run, List<String> previous, long kept, int epoch, int round,
      String checkpoint) {
    MetricsLog log = new MetricsLog(run);
    int keep = (int) Math.min(kept, previous.size());
    for (String line : previous.subList(0, keep)) {
      log.lines.append(line).append('\n');
      log.lineCount++;
    }
    int lostRounds = 0;
    double lostSeconds = 0;
    for (String line : previous.subList(keep, previous.size())) {
      MetricsLine m = RunJson.line(line);
      if (m instanceof MetricsLine.Round r) {
        lostRounds++;
        lostSeconds += r.seconds() == null ? 0 : r.seconds();
      } else if (m instanceof MetricsLine.Epoch e && e.validationSeconds() != null) {
        lostSeconds += e.validationSeconds();
      }
    }
    log.append(new MetricsLine.Resume(epoch, round, checkpoint, lostRounds, Json.num(lostSeconds), now()));
    return log;
  }

  @Override
  public synchronized void roundDone(RoundMetrics r) {
    append(new MetricsLine.Round(r.epoch(), r.round(), r.minibatches(), r.examples(), Json.num(r.meanLoss()),
        Json.num(r.seconds()), Json.num(r.learningRate()), now()));
  }

  @Override
  public synchronized void epochDone(EpochMetrics m, int totalEpochs) {
    io.sparktrain.train.TrainTime t = m.trainTime();
    MetricsLine.TrainTime parts = t.known() ? new MetricsLine.TrainTime(Json.num(t.fit()), Json.num(t.workerOther()),
        Json.num(t.taskOverhead()), Json.num(t.driver())) : null;
    append(new MetricsLine.Epoch(m.epoch(), totalEpochs, Json.num(m.trainLoss()), Json.num(m.validationLoss()),
        Json.num(m.validationAccuracy()), Json.num(m.examplesPerSecond()), Json.num(m.seconds()),
        Json.num(m.trainSeconds()), Json.num(m.validationSeconds()), parts, Json.num(m.learningRate()), now()));
  }

  @Override
  public synchronized void roundHealth(int epoch, int round, List<LayerHealth> layers) {
    List<MetricsLine.Layer> out = layers.stream().map(h -> new MetricsLine.Layer(h.layer() + 1, h.type(),
        Json.num(h.gradientNorm()), Json.num(h.log10UpdateRatio()), Json.num(h.activationStd()),
        Json.num(h.deadFraction()))).toList();
    append(new MetricsLine.Health(epoch, round, out, now()));
  }

  /** Steps of a gradient through time that a line keeps. */
  static final int STEP_POINTS = 100;

  @Override
  public synchronized void roundTimeHealth(int epoch, int round, io.sparktrain.health.TimeHealth h) {
    List<Integer> steps = new java.util.ArrayList<>();
    List<Double> norms = new java.util.ArrayList<>();
    for (int t : h.sampledSteps(STEP_POINTS)) {
      steps.add(t + 1);
      norms.add(Json.num(h.norms()[t]));
    }
    append(new MetricsLine.StepGradient(epoch, round, h.layer() + 1, h.type(), steps, norms, now()));
  }

  @Override
  public synchronized void diagnosis(Diagnosis d) {
    append(new MetricsLine.Diagnosis(d.kind(), d.epoch(), d.round(), d.layers(), d.measure(), Json.num(d.value()),
        d.message(), now()));
  }

  @Override
  public synchronized void recovery(Recovery r) {
    append(new MetricsLine.Recovery(r.epoch(), r.round(), r.reason(), Json.num(r.learningRateBefore()),
        Json.num(r.learningRateAfter()), now()));
  }

  @Override
  public synchronized void stall(StallEvent e) {
    append(new MetricsLine.Stall(e.epoch(), e.round(), e.type().key(), e.finding(), Json.num(e.learningRateBefore()),
        Json.num(e.learningRateAfter()), Json.num(e.loss()), e.detail(), now()));
  }

  /** Called on the loop's thread after every round: writes buffered round lines at most every FLUSH_NANOS. */
  @Override
  public synchronized void roundJudged(TrainingState state) {
    if (dirty && System.nanoTime() - lastFlush >= FLUSH_NANOS) {
      flush();
    }
  }

  static String now() {
    return Instant.now().toString();
  }

  private void append(MetricsLine line) {
    lines.append(Json.line(line)).append('\n');
    lineCount++;
    // Epochs, diagnoses, recoveries and resumes are written at once. Round and health lines (which the
    // direct approach reports from Spark's listener thread, where a failed write would go unseen) are
    // written by the loop's thread at most every FLUSH_NANOS, so a run directory on HDFS or S3 is not
    // rewritten several times a second.
    if (line instanceof MetricsLine.Round || line instanceof MetricsLine.Health) {
      dirty = true;
    } else {
      flush();
    }
  }

  /** Writes whatever is buffered; returns the number of lines the file holds. */
  public synchronized long flush() {
    run.write(FILE, lines.toString());
    dirty = false;
    lastFlush = System.nanoTime();
    return lineCount;
  }

  /** Whether lines are buffered that are not written yet. */
  public synchronized boolean dirty() {
    return dirty;
  }
}
