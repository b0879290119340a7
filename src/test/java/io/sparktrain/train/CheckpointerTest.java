package io.sparktrain.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.config.CheckpointConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checkpoint policy on synthetic states: when it saves, without a network or Spark. */
class CheckpointerTest {
  private final List<String> saved = new ArrayList<>();
  private final CheckpointStore store = (state, conf) -> saved.add(state.position().toString());

  static TrainingState at(int epoch, int round, long rounds) {
    return TrainingStates.sample().withPosition(new TrainingState.Position(epoch, round))
        .withTotals(new TrainingState.Totals(rounds, 0, 0, FaultLog.Faults.NONE));
  }

  @Test
  void everyEpochAndEveryNRounds() {
    Checkpointer c = new Checkpointer(new CheckpointConfig(3, 2), store, null, 0, new TrainingState.Position(1, 0));
    for (int r = 1; r <= 7; r++) {
      c.after(at(1, r, r), r == 7);
    }
    assertThat(saved).containsExactly("epoch 1, round 3", "epoch 1, round 6", "epoch 1, round 7");
  }

  @Test
  void zeroRounds_onlyAtEpochEnds() {
    Checkpointer c = new Checkpointer(new CheckpointConfig(0, 2), store, null, 0, new TrainingState.Position(1, 0));
    for (int r = 1; r <= 20; r++) {
      c.after(at(1 + r / 10, r % 10, r), r % 10 == 0);
    }
    assertThat(saved).containsExactly("epoch 2, round 0", "epoch 3, round 0");
  }

  @Test
  void resumed_countsFromTheCheckpointItStartedFrom_andDoesNotSaveItAgain() {
    Checkpointer c = new Checkpointer(new CheckpointConfig(4, 2), store, null, 10, new TrainingState.Position(2, 3));
    c.saveIfNewer(at(2, 3, 10));
    assertThat(saved).isEmpty();
    c.after(at(2, 4, 11), false);
    c.after(at(2, 7, 14), false);
    assertThat(saved).containsExactly("epoch 2, round 7");
    c.saveIfNewer(at(2, 7, 14));
    c.saveIfNewer(at(2, 8, 15));
    assertThat(saved).containsExactly("epoch 2, round 7", "epoch 2, round 8");
  }
}
