package io.sparktrain.train;

import io.sparktrain.health.Diagnosis;
import io.sparktrain.health.LayerHealth;
import java.util.List;

/** Everything the trainer reports while it runs: rounds, epochs, gradient health, findings, recoveries. */
public interface TrainingEvents extends EpochListener, RoundListener {
  /** A round's merged per-layer health (only rounds with samples). */
  default void roundHealth(int epoch, int round, List<LayerHealth> layers) {}

  /** A round's gradient through time (networks of sequences, rounds with samples). */
  default void roundTimeHealth(int epoch, int round, io.sparktrain.health.TimeHealth health) {}

  /** A finding reported for the first time. */
  default void diagnosis(Diagnosis diagnosis) {}

  /** The divergence guard undid a round. */
  default void recovery(Recovery recovery) {}

  /** The stall policy acted on a stall, ended a boost, or reported a stall it left alone. */
  default void stall(StallEvent event) {}

  /** The state after the policies judged a round (on the loop's thread, which may write files). */
  default void roundJudged(TrainingState state) {}
}
