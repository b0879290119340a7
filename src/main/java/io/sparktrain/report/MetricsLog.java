package io.sparktrain.report;

import io.sparktrain.health.Diagnosis;
import io.sparktrain.health.LayerHealth;
import io.sparktrain.publish.RunDirectory;
import io.sparktrain.report.schema.MetricsLine;
import io.sparktrain.train.EpochMetrics;
import io.sparktrain.train.Recovery;
import io.sparktrain.train.RoundMetrics;
import io.sparktrain.train.TrainingEvents;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * metrics.jsonl: one {@link MetricsLine} per line, rewritten atomically each time so a reader following
 * the run always sees whole lines. Types: {@code round} after every averaging round, {@code health} (the
 * round's per-layer gradient health), {@code diagnosis}, {@code recovery} (the divergence guard undid a
 * round) and {@code epoch} after every epoch.
 */
public final class MetricsLog implements TrainingEvents {
  public static final String FILE = "metrics.jsonl";
  private final RunDirectory run;
  private final StringBuilder lines = new StringBuilder();
  static final long FLUSH_NANOS = 5_000_000_000L;
  private long lastFlush = System.nanoTime();
  private boolean dirty;

  public MetricsLog(RunDirectory run) {
    this.run = run;
  }

  @Override
  public synchronized void roundDone(RoundMetrics r) {
    append(new MetricsLine.Round(r.epoch(), r.round(), r.minibatches(), r.examples(), Json.num(r.meanLoss()),
        Json.num(r.seconds()), Json.num(r.learningRate()), now()));
  }

  @Override
  public synchronized void epochDone(EpochMetrics m, int totalEpochs) {
    Map<String, Double> parts = new LinkedHashMap<>();
    m.trainTime().forEach((k, v) -> parts.put(k, Json.num(v)));
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

  private static String now() {
    return Instant.now().toString();
  }

  private void append(MetricsLine line) {
    lines.append(Json.line(line)).append('\n');
    // Epochs, diagnoses and recoveries are written at once; round and health lines at most every
    // FLUSH_NANOS, so a run directory on HDFS or S3 is not rewritten several times a second.
    boolean frequent = line instanceof MetricsLine.Round || line instanceof MetricsLine.Health;
    long now = System.nanoTime();
    if (!frequent || now - lastFlush >= FLUSH_NANOS) {
      flush();
      lastFlush = now;
    } else {
      dirty = true;
    }
  }

  /** Writes whatever is buffered; the trainer's last epoch line flushes anyway. */
  public synchronized void flush() {
    run.write(FILE, lines.toString());
    dirty = false;
  }

  /** Whether lines are buffered that are not written yet. */
  public synchronized boolean dirty() {
    return dirty;
  }
}
