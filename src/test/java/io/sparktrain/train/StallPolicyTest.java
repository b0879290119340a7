package io.sparktrain.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.config.HealthConfig;
import io.sparktrain.config.LayerSpec;
import io.sparktrain.config.ModelConfig;
import io.sparktrain.config.StallConfig;
import io.sparktrain.config.UpdaterSpec;
import io.sparktrain.health.LayerHealth;
import io.sparktrain.health.StallRule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stall policy on synthetic rounds: what each action does, when a boost is kept and when rolled back. */
class StallPolicyTest {
  static final HealthConfig HEALTH = new HealthConfig(true, 10, 3, 1e-5, 1e-3, 0.1, 10, 5, 0.5,
      new HealthConfig.Stall(15, 2.0, 0.01, 0.5, 1e-4, 2));

  static ModelConfig model() {
    List<LayerSpec> layers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      layers.add(new LayerSpec("model.layers[" + i + "]", "dense", 64, 0, List.of(3, 3), List.of(1, 1), "same", "max",
          0.5, "mcxent", "", ""));
    }
    layers.add(new LayerSpec("model.layers[3]", "output", 0, 0, List.of(3, 3), List.of(1, 1), "same", "max", 0.5,
        "mcxent", "softmax", ""));
    return new ModelConfig(layers, "tanh", "uniform", 0, new UpdaterSpec("sgd", 0.03, 0.9), "none", 1);
  }

  static List<LayerHealth> healthy() {
    List<LayerHealth> out = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      out.add(new LayerHealth(i, i < 3 ? "dense" : "output", 0.05, -3.6, 0.3, Double.NaN));
    }
    return out;
  }

  static StallPolicy policy(StallConfig.Action action, int maxActions) {
    return new StallPolicy(new StallConfig(action, 10, 4, maxActions), new StallRule(HEALTH, model()), HEALTH.stall());
  }

  static final DivergenceGuard.State GUARD = new DivergenceGuard.State(List.of(2.3, 2.31), 0.23, 1.0, 40, List.of());

  static StallPolicy.Round round(int epoch, int round, double loss, double rate, double peak) {
    return new StallPolicy.Round(epoch, round, loss, rate, peak, healthy(), List.of(), GUARD);
  }

  /** Runs flat rounds at 2.30 until the policy answers something other than Go. */
  static StallPolicy.Verdict untilStall(StallPolicy p, StallPolicy.State s) {
    for (int i = 0; i < 100; i++) {
      StallPolicy.Verdict v = p.judge(s, round(1, i, 2.30 + (i % 3) * 0.001, 0.03, 0.03));
      if (!(v instanceof StallPolicy.Go)) {
        return v;
      }
      s = v.next();
    }
    throw new AssertionError("no stall found");
  }

  @Test
  void boost_raisesTheRate_thenKeepsWhatItDidWhenTheLossFell() {
    StallPolicy p = policy(StallConfig.Action.BOOST, 2);
    StallPolicy.State s = StallPolicy.State.initial(Math.log(10));
    assertThat(p.rateFactor(s)).isEqualTo(1.0);
    StallPolicy.Verdict v = untilStall(p, s);
    assertThat(v).isInstanceOf(StallPolicy.StartBoost.class);
    StallPolicy.StartBoost start = (StallPolicy.StartBoost) v;
    assertThat(start.finding().kind()).isEqualTo(StallRule.Kind.SADDLE);
    assertThat(start.event().type()).isEqualTo(StallEvent.Type.BOOST);
    assertThat(start.event().learningRateAfter()).isEqualTo(0.3, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(start.remedy()).contains("raised the learning rate 10x to 0.300 for 4 rounds");
    s = v.next();
    assertThat(p.rateFactor(s)).isEqualTo(10.0);
    assertThat(s.actions()).isEqualTo(1);
    double[] boosted = {2.2, 1.9, 1.7, 1.6};
    for (int i = 0; i < 3; i++) {
      v = p.judge(s, round(2, i, boosted[i], 0.3, 0.03));
      assertThat(v).isInstanceOf(StallPolicy.Go.class);
      s = v.next();
    }
    v = p.judge(s, round(2, 3, boosted[3], 0.3, 0.03));
    assertThat(v).isInstanceOf(StallPolicy.EndBoost.class);
    StallPolicy.EndBoost end = (StallPolicy.EndBoost) v;
    assertThat(end.rollback()).isFalse();
    assertThat(end.event().type()).isEqualTo(StallEvent.Type.KEPT);
    assertThat(end.event().loss()).isEqualTo(1.65, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(end.event().learningRateAfter()).isEqualTo(0.03, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(end.event().detail()).contains("the boost is kept");
    assertThat(p.rateFactor(end.next())).isEqualTo(1.0);
    assertThat(end.next().events()).extracting(StallEvent::type)
        .containsExactly(StallEvent.Type.BOOST, StallEvent.Type.KEPT);
    assertThat(end.next().rule().losses()).as("a new window").isEmpty();
  }

  @Test
  void boost_rollsBackWhenTheLossDidNotFall() {
    StallPolicy p = policy(StallConfig.Action.BOOST, 2);
    StallPolicy.State s = untilStall(p, StallPolicy.State.initial(Math.log(10))).next();
    StallPolicy.Verdict v = null;
    for (int i = 0; i < 4; i++) {
      v = p.judge(s, round(2, i, 2.31, 0.3, 0.03));
      s = v.next();
    }
    assertThat(v).isInstanceOf(StallPolicy.EndBoost.class);
    assertThat(((StallPolicy.EndBoost) v).rollback()).isTrue();
    assertThat(((StallPolicy.EndBoost) v).event().type()).isEqualTo(StallEvent.Type.ROLLBACK);
    assertThat(((StallPolicy.EndBoost) v).event().detail()).contains("it did not fall",
        "the parameters from before the boost are restored");
  }

  @Test
  void aDivergingBoostedRound_isRolledBack() {
    StallPolicy p = policy(StallConfig.Action.BOOST, 2);
    StallPolicy.State s = untilStall(p, StallPolicy.State.initial(Math.log(10))).next();
    StallPolicy.EndBoost end = p.aborted(s, 2, 1, 0.3, "the training loss is NaN");
    assertThat(end.rollback()).isTrue();
    assertThat(end.event().detail()).startsWith("the boosted round diverged (the training loss is NaN)");
    assertThat(end.next().boost()).isNull();
    assertThat(p.rateFactor(end.next())).isEqualTo(1.0);
  }

  @Test
  void none_reportsOnly_andMaxActionsLimitsTheBoosts() {
    StallPolicy none = policy(StallConfig.Action.NONE, 2);
    StallPolicy.Verdict v = untilStall(none, StallPolicy.State.initial(Math.log(10)));
    assertThat(v).isInstanceOf(StallPolicy.Noticed.class);
    assertThat(((StallPolicy.Noticed) v).event().type()).isEqualTo(StallEvent.Type.REPORTED);
    assertThat(((StallPolicy.Noticed) v).remedy()).contains("train.stall.action = none");
    assertThat(none.rateFactor(v.next())).isEqualTo(1.0);

    StallPolicy once = policy(StallConfig.Action.BOOST, 0);
    StallPolicy.Verdict w = untilStall(once, StallPolicy.State.initial(Math.log(10)));
    assertThat(w).isInstanceOf(StallPolicy.Noticed.class);
    assertThat(((StallPolicy.Noticed) w).remedy()).isEqualTo("Reported only: train.stall.maxActions = 0.");
  }

  @Test
  void aPlateauLeftAlone_isLoggedOnce_thenOnlyCounted() {
    StallPolicy none = policy(StallConfig.Action.NONE, 2);
    StallPolicy.State s = StallPolicy.State.initial(Math.log(10));
    int noticed = 0;
    for (int i = 0; i < 60; i++) {
      StallPolicy.Verdict v = none.judge(s, round(1, i, 2.30 + (i % 3) * 0.001, 0.03, 0.03));
      if (v instanceof StallPolicy.Noticed n) {
        noticed++;
        assertThat(n.finding().kind()).isEqualTo(StallRule.Kind.SADDLE);
      }
      s = v.next();
    }
    assertThat(noticed).isEqualTo(4);
    assertThat(s.events()).hasSize(1);
  }

  @Test
  void aBoostKeepsTheGuardsStateToRestore() {
    StallPolicy p = policy(StallConfig.Action.BOOST, 2);
    StallPolicy.State s = untilStall(p, StallPolicy.State.initial(Math.log(10))).next();
    assertThat(s.boost().guard()).isEqualTo(GUARD);
  }

  @Test
  void aFallWithinTheBoostedRoundsNoise_isRolledBack() {
    StallPolicy p = policy(StallConfig.Action.BOOST, 2);
    StallPolicy.State s = untilStall(p, StallPolicy.State.initial(Math.log(10))).next();
    // The last two rounds' mean is 2.10, 0.2 below the plateau, but they are 2.6 and 1.6: within the noise.
    double[] boosted = {2.3, 2.3, 2.6, 1.6};
    StallPolicy.Verdict v = null;
    for (int i = 0; i < 4; i++) {
      v = p.judge(s, round(2, i, boosted[i], 0.3, 0.03));
      s = v.next();
    }
    assertThat(((StallPolicy.EndBoost) v).rollback()).isTrue();
    assertThat(((StallPolicy.EndBoost) v).event().detail()).contains("it did not fall by more than");
  }

  @Test
  void aBoostCutShortByTheEndOfTraining_isJudgedOnItsRounds_orRolledBackWithoutAny() {
    StallPolicy p = policy(StallConfig.Action.BOOST, 2);
    StallPolicy.State start = untilStall(p, StallPolicy.State.initial(Math.log(10))).next();
    StallPolicy.EndBoost none = p.cutShort(start, 2, 16, 0.3);
    assertThat(none.rollback()).isTrue();
    assertThat(none.event().detail()).startsWith("training ended before a boosted round ran");
    StallPolicy.State s = start;
    for (double loss : new double[] {1.9, 1.7}) {
      s = p.judge(s, round(2, 0, loss, 0.3, 0.03)).next();
    }
    StallPolicy.EndBoost two = p.cutShort(s, 2, 16, 0.3);
    assertThat(two.rollback()).isFalse();
    assertThat(two.event().detail()).contains("after 2 boosted rounds (training ended after 2 of its rounds)");
    assertThat(two.next().boost()).isNull();
  }

  @Test
  void restart_asksTheScheduleForItsPeak() {
    StallPolicy p = policy(StallConfig.Action.RESTART, 2);
    StallPolicy.State s = StallPolicy.State.initial(Math.log(10));
    StallPolicy.Verdict v = null;
    for (int i = 0; i < 100 && !(v instanceof StallPolicy.Restart); i++) {
      v = p.judge(s, round(1, i, 2.30, 0.004, 0.05));
      s = v.next();
    }
    assertThat(v).isInstanceOf(StallPolicy.Restart.class);
    StallPolicy.Restart r = (StallPolicy.Restart) v;
    assertThat(r.event().learningRateBefore()).isEqualTo(0.004);
    assertThat(r.event().learningRateAfter()).isEqualTo(0.05);
    assertThat(r.remedy()).contains("restarted the warm-restart cycle at its peak rate 0.0500");
    assertThat(p.rateFactor(r.next())).isEqualTo(1.0);
    assertThat(r.next().actions()).isEqualTo(1);
  }

  @Test
  void withoutTheUntrainedLoss_noStallIsJudged_untilItIsKnown() {
    StallPolicy p = policy(StallConfig.Action.BOOST, 2);
    StallPolicy.State s = StallPolicy.State.initial(Double.NaN);
    for (int i = 0; i < 40; i++) {
      StallPolicy.Verdict v = p.judge(s, round(1, i, 2.30, 0.03, 0.03));
      assertThat(v).isInstanceOf(StallPolicy.Go.class);
      s = v.next();
    }
    assertThat(s.withUntrainedLoss(2.3).untrainedLoss()).isEqualTo(2.3);
    assertThat(StallPolicy.State.initial(1.0).withUntrainedLoss(2.3).untrainedLoss()).isEqualTo(1.0);
  }
}
