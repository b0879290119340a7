package io.sparktrain.train;

import io.sparktrain.config.CheckpointConfig;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;

/**
 * The checkpoint policy: after every epoch, and every {@code checkpoint.everyRounds} rounds within one,
 * the state goes to the {@link CheckpointStore}.
 */
final class Checkpointer {
  private final CheckpointConfig config;
  private final CheckpointStore store;
  private final MultiLayerConfiguration conf;
  private long lastRounds;
  private TrainingState.Position lastPosition;

  /**
   * @param startRounds the rounds the run had done when this process took it over (0, or a checkpoint's)
   * @param start where it stood then (a resumed run does not save its own checkpoint again)
   */
  Checkpointer(CheckpointConfig config, CheckpointStore store, MultiLayerConfiguration conf, long startRounds,
      TrainingState.Position start) {
    this.config = config;
    this.store = store;
    this.conf = conf;
    this.lastRounds = startRounds;
    this.lastPosition = startRounds > 0 ? start : null;
  }

  /** Whether a checkpoint is due after a round that left the run at {@code rounds} rounds in all. */
  boolean due(long rounds, boolean epochEnded) {
    return epochEnded || config.everyRounds() > 0 && rounds - lastRounds >= config.everyRounds();
  }

  /** Saves the state if a checkpoint is due. */
  void after(TrainingState state, boolean epochEnded) {
    if (due(state.totals().rounds(), epochEnded)) {
      save(state);
    }
  }

  /** Saves the state now. */
  void save(TrainingState state) {
    store.save(state, conf);
    lastRounds = state.totals().rounds();
    lastPosition = state.position();
  }

  /** Saves the state unless the last checkpoint already holds it (an interrupted run's last state). */
  void saveIfNewer(TrainingState state) {
    if (!state.position().equals(lastPosition)) {
      save(state);
    }
  }
}
