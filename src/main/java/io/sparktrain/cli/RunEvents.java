package io.sparktrain.cli;

import io.sparktrain.health.Diagnosis;
import io.sparktrain.health.LayerHealth;
import io.sparktrain.report.MetricsLog;
import io.sparktrain.train.EpochMetrics;
import io.sparktrain.train.Recovery;
import io.sparktrain.train.RoundMetrics;
import io.sparktrain.train.StallEvent;
import io.sparktrain.train.TrainingEvents;
import io.sparktrain.train.TrainingState;
import java.util.List;

/** Sends the trainer's events to metrics.jsonl, the console, and any other listener (tests). */
final class RunEvents implements TrainingEvents {
  private final MetricsLog metrics;
  private final ConsoleProgress console;
  private final List<TrainingEvents> others;

  RunEvents(MetricsLog metrics, ConsoleProgress console, List<TrainingEvents> others) {
    this.metrics = metrics;
    this.console = console;
    this.others = List.copyOf(others);
  }

  @Override
  public void epochDone(EpochMetrics m, int total) {
    metrics.epochDone(m, total);
    console.epochDone(m, total);
    others.forEach(o -> o.epochDone(m, total));
  }

  @Override
  public void roundDone(RoundMetrics round) {
    metrics.roundDone(round);
    console.roundDone(round);
    others.forEach(o -> o.roundDone(round));
  }

  @Override
  public void roundTimeHealth(int epoch, int round, io.sparktrain.health.TimeHealth health) {
    metrics.roundTimeHealth(epoch, round, health);
    others.forEach(o -> o.roundTimeHealth(epoch, round, health));
  }

  @Override
  public void roundHealth(int epoch, int round, List<LayerHealth> layers) {
    metrics.roundHealth(epoch, round, layers);
    others.forEach(o -> o.roundHealth(epoch, round, layers));
  }

  @Override
  public void diagnosis(Diagnosis d) {
    metrics.diagnosis(d);
    console.diagnosis(d);
    others.forEach(o -> o.diagnosis(d));
  }

  @Override
  public void recovery(Recovery r) {
    metrics.recovery(r);
    console.recovery(r);
    others.forEach(o -> o.recovery(r));
  }

  @Override
  public void stall(StallEvent e) {
    metrics.stall(e);
    console.stall(e);
    others.forEach(o -> o.stall(e));
  }

  @Override
  public void roundJudged(TrainingState state) {
    metrics.roundJudged(state);
    others.forEach(o -> o.roundJudged(state));
  }
}
