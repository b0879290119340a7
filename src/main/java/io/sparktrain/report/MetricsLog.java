package io.sparktrain.report;

import io.sparktrain.publish.RunDirectory;
import io.sparktrain.train.EpochListener;
import io.sparktrain.train.EpochMetrics;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * metrics.jsonl: one JSON object per line, {@code "type": "round"} after every averaging round and
 * {@code "type": "epoch"} after every epoch, rewritten atomically each time so a reader following the
 * run always sees whole lines.
 */
public final class MetricsLog implements EpochListener, io.sparktrain.train.RoundListener {
  public static final String FILE = "metrics.jsonl";
  private final RunDirectory run;
  private final StringBuilder lines = new StringBuilder();

  public MetricsLog(RunDirectory run) {
    this.run = run;
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
    line.put("time", Instant.now().toString());
    lines.append(Json.line(line)).append('\n');
    run.write(FILE, lines.toString());
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
    line.put("time", Instant.now().toString());
    lines.append(Json.line(line)).append('\n');
    run.write(FILE, lines.toString());
  }
}
