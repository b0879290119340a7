package io.sparktrain.train;

import io.sparktrain.data.FeatureScaler;
import io.sparktrain.data.SplitIdentity;
import io.sparktrain.health.Diagnoser;
import io.sparktrain.health.StallRule;
import io.sparktrain.health.Diagnosis;
import io.sparktrain.lrfind.LrCurve;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/** Synthetic training states for the tests of the state's policies and its file format. */
final class TrainingStates {
  private TrainingStates() {}

  /** A state with every part filled in, awkward values (NaN, infinity) included. */
  static TrainingState sample() {
    Weights w = new Weights(Nd4j.linspace(-1, 1, 12).reshape(1, 12), Nd4j.rand(1, 24), 37, 9);
    Weights best = new Weights(Nd4j.linspace(0, 2, 12).reshape(1, 12), Nd4j.rand(1, 24), 30, 7);
    Diagnoser.State diagnoser = new Diagnoser.State(3e-4, List.of(0, 2, 0), List.of(0, 0, 1), List.of(1, 0, 0),
        List.of(0.5, 0.25), List.of(0.75), List.of(new Diagnosis("dead-relu", 2, 4, List.of(1), "deadFraction",
            Double.NaN, "layer 1 (dense): 60% dead")), Map.of("dead-relu", 3), List.of(2.0, Double.NaN));
    LrCurve curve = new LrCurve(new double[] {1e-5, 1e-4, 1e-3}, new double[] {2.3, 2.2, Double.NaN},
        new double[] {2.3, 2.25, 2.24}, 1e-4, LrCurve.STEEPEST, 1e-3, 2);
    TrainingState.RunFacts facts = new TrainingState.RunFacts(1e-3, "lr-find (steepest)", curve, 2, 4,
        new SplitIdentity(900, -123456789L, 100, 42, 1000, Long.MIN_VALUE),
        new FeatureScaler("standardize", new float[] {0.5f, -1f}, new float[] {2f, Float.MIN_VALUE}),
        new double[] {0.1, 0.2});
    StallPolicy.State stall = new StallPolicy.State(new StallRule.State(List.of(2.30, 2.29), List.of(1e-3, 1e-3),
        List.of(-3.7, Double.NaN), -3.7, true), 2.3026, new StallPolicy.Boost(2, 3, "stall", 2.2961, 4,
            List.of(2.1, Double.NaN), new DivergenceGuard.State(List.of(2.3), 0.23, 0.2, 7, List.of())), 1,
        List.of(new StallEvent(2, 3, StallEvent.Type.BOOST, "stall", 1e-3, 1e-2, 2.2961, "boosted")));
    EpochMetrics epoch = new EpochMetrics(1, 0.9, 0.7, 0.75, 310.5, 12.25, 1.5, new TrainTime(9.0, 2.0, 0.25, 1.0), 1e-3);
    return new TrainingState(new TrainingState.Position(2, 5), w, 2.5e-4, new LrSchedule.State(0.1, 0.7, 1, 1.5),
        new DivergenceGuard.State(List.of(0.9, 0.8, 0.85), 0.23, 0.2, 4,
            List.of(new Recovery(1, 3, "the training loss is NaN", 1e-3, 2e-4))),
        new EarlyStopping.State(0.75, 1, 0), best, diagnoser, stall, best, facts, List.of(epoch),
        new TrainingState.EpochProgress(4.5, 5, 6.25),
        new TrainingState.Totals(17, 12, 20.5, new FaultLog.Faults(
            List.of(new FaultLog.ExecutorLost("1", "worker lost", "2026-12-01T00:00:00Z")), 2, 3.5)),
        null);
  }
}
