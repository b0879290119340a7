package io.sparktrain.tune;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AshaTest {
  @Test
  void rungs_atGraceTimesEtaToTheK_andTheBudgetOnTop() {
    assertThat(new Asha(3, 1, 9, 27, true).rungs()).containsExactly(1, 3, 9);
    assertThat(new Asha(3, 1, 10, 27, true).rungs()).containsExactly(1, 3, 9, 10);
    assertThat(new Asha(2, 2, 16, 27, true).rungs()).containsExactly(2, 4, 8, 16);
    assertThat(new Asha(3, 1, 9, 27, false).rungs()).as("no early termination: one rung").containsExactly(9);
  }

  @Test
  void promotesTheTopThirdOfARungAsSoonAsItExists_withoutWaitingForTheRungToFill() {
    Asha asha = new Asha(3, 1, 9, 9, true);
    Asha.State s = asha.initial();
    // Two slots: trials 0 and 1 start.
    s = start(asha, s, 0);
    s = start(asha, s, 1);
    s = asha.reported(s, 0, 0, 0.60);
    assertThat(asha.next(s, 1)).as("1 of 1 reported: floor(1/3) = 0 promotable").isEqualTo(new Asha.Start(2, 1));
    s = asha.dispatched(s, new Asha.Start(2, 1));
    s = asha.reported(s, 1, 0, 0.70);
    s = asha.reported(s, 2, 0, 0.65);
    // Three reported: the best (trial 1) goes to rung 1 before any new trial starts.
    assertThat(asha.next(s, 0)).isEqualTo(new Asha.Promote(1, 0, 1, 1, 3));
    s = asha.dispatched(s, asha.next(s, 0));
    assertThat(asha.next(s, 1)).as("trial 1 is promoted already; no one else is in the top third")
        .isEqualTo(new Asha.Start(3, 1));
  }

  @Test
  void knownAnswers_onSyntheticCurvesReportedOutOfOrder() {
    // Nine trials whose rung-0 scores are their number / 10, reported in a scrambled order. With eta = 3 the
    // top third of rung 0 (3 of 9) are 8, 7 and 6; the top third of rung 1 (1 of 3) is the best of those at 3
    // epochs. Trial 6 improves most with training, so it is the one that reaches 9 epochs.
    Asha asha = new Asha(3, 1, 9, 9, true);
    Asha.State s = asha.initial();
    for (int i = 0; i < 9; i++) {
      s = start(asha, s, i);
    }
    for (int n : new int[] {4, 8, 0, 6, 2, 7, 1, 5, 3}) {
      s = asha.reported(s, n, 0, n / 10.0);
    }
    java.util.List<Integer> promoted = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Asha.Decision d = asha.next(s, 0);
      assertThat(d).isInstanceOf(Asha.Promote.class);
      promoted.add(((Asha.Promote) d).number());
      s = asha.dispatched(s, d);
    }
    assertThat(promoted).containsExactly(8, 7, 6);
    s = asha.reported(s, 8, 1, 0.81);
    s = asha.reported(s, 7, 1, 0.75);
    assertThat(asha.next(s, 1)).as("2 of rung 1 reported: nothing in its top third yet; all started")
        .isEqualTo(new Asha.Wait());
    s = asha.reported(s, 6, 1, 0.90);
    assertThat(asha.next(s, 0)).isEqualTo(new Asha.Promote(6, 1, 2, 3, 9));
    s = asha.dispatched(s, asha.next(s, 0));
    s = asha.reported(s, 6, 2, 0.92);
    assertThat(asha.next(s, 0)).isEqualTo(new Asha.Done());
  }

  @Test
  void ties_goToTheLowerTrialNumber() {
    Asha asha = new Asha(3, 1, 3, 3, true);
    Asha.State s = asha.initial();
    for (int i = 0; i < 3; i++) {
      s = start(asha, s, i);
    }
    s = asha.reported(s, 2, 0, 0.5);
    s = asha.reported(s, 1, 0, 0.5);
    s = asha.reported(s, 0, 0, 0.4);
    assertThat(asha.next(s, 0)).isEqualTo(new Asha.Promote(1, 0, 1, 1, 3));
  }

  @Test
  void failedTrials_countTowardsTheRungButAreNeverPromoted() {
    Asha asha = new Asha(3, 1, 3, 6, true);
    Asha.State s = asha.initial();
    for (int i = 0; i < 3; i++) {
      s = start(asha, s, i);
    }
    s = asha.reported(s, 0, 0, Double.NaN);
    s = asha.reported(s, 1, 0, Double.NaN);
    s = asha.reported(s, 2, 0, 0.3);
    assertThat(asha.next(s, 0)).as("trial 2 is the best finished one, and 1 of 3 is promoted")
        .isEqualTo(new Asha.Promote(2, 0, 1, 1, 3));
    // A rung where the best three all failed promotes nobody.
    Asha.State f = asha.initial();
    for (int i = 0; i < 3; i++) {
      f = start(asha, f, i);
      f = asha.reported(f, i, 0, Double.NaN);
    }
    assertThat(asha.next(f, 0)).isEqualTo(new Asha.Start(3, 1));
  }

  @Test
  void promotionsFromHigherRungsComeFirst() {
    Asha asha = new Asha(2, 1, 4, 8, true);
    Asha.State s = asha.initial();
    for (int i = 0; i < 4; i++) {
      s = start(asha, s, i);
    }
    for (int i = 0; i < 4; i++) {
      s = asha.reported(s, i, 0, i);
    }
    s = asha.dispatched(s, new Asha.Promote(3, 0, 1, 1, 2));
    s = asha.dispatched(s, new Asha.Promote(2, 0, 1, 1, 2));
    s = asha.reported(s, 3, 1, 0.9);
    s = asha.reported(s, 2, 1, 0.8);
    assertThat(asha.next(s, 0)).isEqualTo(new Asha.Promote(3, 1, 2, 2, 4));
  }

  @Test
  void closedAt_endsStartsWhenTheSamplerRunsOut() {
    Asha asha = new Asha(3, 1, 9, 27, true).closedAt(2);
    Asha.State s = asha.initial();
    s = start(asha, s, 0);
    s = start(asha, s, 1);
    assertThat(asha.next(s, 2)).isEqualTo(new Asha.Wait());
    assertThat(asha.next(s, 0)).isEqualTo(new Asha.Done());
  }

  private static Asha.State start(Asha asha, Asha.State s, int expected) {
    Asha.Decision d = asha.next(s, 0);
    assertThat(d).isEqualTo(new Asha.Start(expected, asha.rungs().get(0)));
    return asha.dispatched(s, d);
  }
}
