package io.sparktrain.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.report.schema.MetricsLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the stall policy's events sit on the report's charts. */
class StallMarksTest {
  /** Two epochs of 4 rounds (round lines count from 1), the rate boosted 10x for rounds 3-5 of the run. */
  static List<MetricsLine.Round> rounds() {
    List<MetricsLine.Round> out = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      double rate = i >= 2 && i < 5 ? 0.3 : 0.03;
      out.add(new MetricsLine.Round(1 + i / 4, 1 + i % 4, 5, 160, 2.3 - 0.1 * i, 1.0, rate, "t"));
    }
    return out;
  }

  static final List<MetricsLine.Stall> EVENTS = List.of(
      new MetricsLine.Stall(1, 1, "boost", "stall", 0.03, 0.3, 2.3, "boosted", "t"),
      new MetricsLine.Stall(2, 0, "kept", "stall", 0.3, 0.03, 1.9, "kept", "t"));

  @Test
  void onTheLoss_atTheRoundAfterWhichItHappened_onTheRate_atTheFirstRoundWithTheNewRate() {
    StallMarks marks = new StallMarks(rounds(), EVENTS);
    Map<String, List<Charts.Point>> loss = marks.byRound(StallMarks.Y.LOSS);
    assertThat(loss.keySet()).containsExactly("stall: boost", "stall: kept");
    // The loop's round 1 of epoch 1 is the second round line; the kept event after epoch 2's round 0, the fifth.
    assertThat(loss.get("stall: boost")).hasSize(1);
    assertThat(loss.get("stall: boost").get(0).x()).isEqualTo(2);
    assertThat(loss.get("stall: boost").get(0).y()).isEqualTo(2.2, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(loss.get("stall: kept").get(0).x()).isEqualTo(5);
    assertThat(loss.get("stall: kept").get(0).y()).isEqualTo(1.9, org.assertj.core.api.Assertions.within(1e-12));
    Map<String, List<Charts.Point>> rate = marks.byRound(StallMarks.Y.RATE);
    List<MetricsLine.Round> r = rounds();
    Charts.Point boost = rate.get("stall: boost").get(0);
    assertThat(r.get((int) boost.x() - 1).learningRate()).as("the marker sits on the curve").isEqualTo(boost.y());
    Charts.Point kept = rate.get("stall: kept").get(0);
    assertThat(r.get((int) kept.x() - 1).learningRate()).isEqualTo(kept.y());
  }

  @Test
  void onTheEpochChart_atTheEpochsProgress() {
    Map<String, List<Charts.Point>> epochs = new StallMarks(rounds(), EVENTS).byEpoch();
    assertThat(epochs.get("stall: boost")).containsExactly(new Charts.Point(0.5, 2.3));
    assertThat(epochs.get("stall: kept")).containsExactly(new Charts.Point(1.25, 1.9));
  }

  @Test
  void anEventWithoutItsRoundLine_isLeftOut() {
    StallMarks marks = new StallMarks(rounds(), List.of(new MetricsLine.Stall(9, 0, "boost", "stall", 0.03, 0.3,
        2.3, "boosted", "t")));
    assertThat(marks.byRound(StallMarks.Y.LOSS)).isEmpty();
    assertThat(marks.byEpoch()).isEmpty();
  }
}
