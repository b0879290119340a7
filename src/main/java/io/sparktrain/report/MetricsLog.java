package io.sparktrain.report;

import io.sparktrain.publish.RunDirectory;
import io.sparktrain.health.Diagnosis;
import io.sparktrain.health.LayerHealth;
import io.sparktrain.train.Recovery;
import io.sparktrain.train.TrainingEvents;
import java.util.ArrayList;
import java.util.List;
import io.sparktrain.train.EpochMetrics;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * metrics.jsonl: one JSON object per line, rewritten atomically each time so a reader following the
 * run always sees whole lines. Types: {@code round} after every averaging round, {@code health} (the
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
  private long lineCount;

  public MetricsLog(RunDirectory run) {
    this.run = run;
  }

  /**
   * A log that continues a resumed run's: its first {@code kept} lines (those the checkpoint it resumes
   * from had seen), then a {@code resume} line that says from where, and how much work since that
   * checkpoint is done again.
   *
   * @param previous the lines of the earlier attempts' metrics.jsonl
   */
  public static MetricsLog continuing(RunDirectory run, List<String> previous, long kept, Map<String, Object> resume) {
    MetricsLog log = new MetricsLog(run);
    for (String line : previous.subList(0, (int) Math.min(kept, previous.size()))) {
      log.lines.append(line).append('\n');
      log.lineCount++;
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("type", "resume");
    line.putAll(resume);
    log.append(line);
    return log;
  }

  /** Lines written so far. */
  public synchronized long lineCount() {
    return lineCount;
  }

  @Override
  public synchronized void roundDone(io.sparktrain.train.RoundMetrics r) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("type", "round");
    line.put("epoch", r.epoch());
    line.put("round", r.round());
    line.put("minibatches", r.minibatches());
    line.put("examples", r.examples());
    line.put("trainLoss", Json.num(r.meanLoss()));
    line.put("seconds", Json.num(r.seconds()));
    line.put("learningRate", Json.num(r.learningRate()));
    append(line);
  }

  @Override
  public synchronized void epochDone(EpochMetrics m, int totalEpochs) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("type", "epoch");
    line.put("epoch", m.epoch());
    line.put("epochs", totalEpochs);
    line.put("trainLoss", Json.num(m.trainLoss()));
    line.put("validationLoss", Json.num(m.validationLoss()));
    line.put("validationAccuracy", Json.num(m.validationAccuracy()));
    line.put("examplesPerSecond", Json.num(m.examplesPerSecond()));
    line.put("seconds", Json.num(m.seconds()));
    line.put("trainSeconds", Json.num(m.trainSeconds()));
    line.put("validationSeconds", Json.num(m.validationSeconds()));
    Map<String, Object> parts = new LinkedHashMap<>();
    m.trainTime().forEach((k, v) -> parts.put(k, Json.num(v)));
    line.put("trainTime", parts);
    line.put("learningRate", Json.num(m.learningRate()));
    append(line);
  }

  @Override
  public synchronized void roundHealth(int epoch, int round, List<LayerHealth> layers) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("type", "health");
    line.put("epoch", epoch);
    line.put("round", round);
    List<Map<String, Object>> out = new ArrayList<>();
    for (LayerHealth h : layers) {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("layer", h.layer() + 1);
      l.put("type", h.type());
      l.put("gradientNorm", Json.num(h.gradientNorm()));
      l.put("log10UpdateRatio", Json.num(h.log10UpdateRatio()));
      l.put("activationStd", Json.num(h.activationStd()));
      l.put("deadFraction", Json.num(h.deadFraction()));
      out.add(l);
    }
    line.put("layers", out);
    append(line);
  }

  @Override
  public synchronized void diagnosis(Diagnosis d) {
    append(diagnosisLine(d));
  }

  /** A diagnosis as a JSON-ready object (also used in summary.json). */
  public static Map<String, Object> diagnosisLine(Diagnosis d) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("type", "diagnosis");
    line.put("kind", d.kind());
    line.put("epoch", d.epoch());
    line.put("round", d.round());
    line.put("layers", d.layers());
    line.put("measure", d.measure());
    line.put("value", Json.num(d.value()));
    line.put("message", d.message());
    return line;
  }

  @Override
  public synchronized void recovery(Recovery r) {
    append(recoveryLine(r));
  }

  /** A recovery as a JSON-ready object (also used in summary.json). */
  public static Map<String, Object> recoveryLine(Recovery r) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("type", "recovery");
    line.put("epoch", r.epoch());
    line.put("round", r.round());
    line.put("reason", r.reason());
    line.put("learningRateBefore", Json.num(r.learningRateBefore()));
    line.put("learningRateAfter", Json.num(r.learningRateAfter()));
    return line;
  }

  private void append(Map<String, Object> line) {
    line.putIfAbsent("time", Instant.now().toString());
    lines.append(Json.line(line)).append('\n');
    lineCount++;
    // Epochs, diagnoses, recoveries are written at once; round and health lines (which the direct
    // approach reports from Spark's listener thread, where a failed write would go unseen) are written
    // by the loop's thread at most every FLUSH_NANOS ({@link #roundJudged}), so a run directory on
    // HDFS or S3 is not rewritten several times a second.
    boolean frequent = "round".equals(line.get("type")) || "health".equals(line.get("type"));
    if (frequent) {
      dirty = true;
    } else {
      flush();
    }
  }

  @Override
  public synchronized void roundJudged(io.sparktrain.train.TrainingState state) {
    if (dirty && System.nanoTime() - lastFlush >= FLUSH_NANOS) {
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
