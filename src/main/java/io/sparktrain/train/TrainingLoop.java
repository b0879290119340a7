package io.sparktrain.train;

import io.sparktrain.config.TrainConfig;
import io.sparktrain.health.Diagnoser;
import io.sparktrain.health.Diagnosis;
import io.sparktrain.health.HealthMonitor;
import io.sparktrain.health.HealthSample;
import io.sparktrain.health.LayerHealth;
import io.sparktrain.health.TimeHealth;
import io.sparktrain.health.TimeRule;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The training loop: per round it fits, then asks each policy what to do, and turns one
 * {@link TrainingState} into the next. The divergence guard judges every round, the schedule sets each
 * round's rate, early stopping and reduce-on-plateau judge every epoch, the {@link Checkpointer} keeps
 * the state; each is its own type with its own tests. Everything else a round needs arrives in a
 * {@link RoundResult}.
 */
final class TrainingLoop {
  /** What the loop works with besides the state: the network, the data, the rules and the listeners. */
  record Parts(JavaSparkContext sc, TrainConfig train, SparkNetwork net, RoundSource source, Validation validation,
      RoundTracker tracker, HealthMonitor monitor, List<String> layerTypes, Diagnoser diagnoser, TimeRule timeRule,
      LrSchedule schedule, DivergenceGuard guard, EarlyStopping early, StallPolicy stall, Checkpointer checkpointer,
      TrainingEvents events, Interruption interruption, FaultLog faults, FaultLog.Faults earlierFaults) {}

  /** One round as the policies see it. */
  record RoundResult(double loss, long minibatches, List<HealthSample> samples, boolean parametersFinite,
      double seconds) {}

  private final Parts p;

  TrainingLoop(Parts parts) {
    this.p = parts;
  }

  TrainingState run(TrainingState start) {
    TrainingState state = start;
    p.diagnoser().restore(state.diagnoser());
    while (!state.finished(p.train().epochs())) {
      int epoch = state.position().epoch();
      int rounds = p.source().rounds(epoch);
      if (state.position().round() < rounds) {
        state = round(state, epoch, rounds);
        p.events().roundJudged(state);
      }
      boolean epochEnded = state.position().round() >= rounds;
      if (epochEnded) {
        state = endEpoch(state, epoch);
        if (state.finished(p.train().epochs()) && state.stall().boost() != null) {
          state = endBoost(state, p.stall().cutShort(state.stall(), epoch, rounds - 1, state.learningRate()),
              state.learningRate());
        }
      }
      p.checkpointer().after(state, epochEnded);
      p.interruption().check(state);
    }
    return state;
  }

  private TrainingState round(TrainingState s, int epoch, int rounds) {
    int round = s.position().round();
    if (round == 0 || p.tracker().epoch() != epoch) {
      p.tracker().startEpoch(epoch, p.source().averagingRounds(epoch), round);
    }
    p.sc().setJobGroup("epoch-" + epoch, "epoch " + epoch + "/" + p.train().epochs() + PhaseClock.TRAINING, false);
    double lr = p.schedule().rate(s.schedule(), epoch, round, rounds) * s.guard().scale()
        * p.stall().rateFactor(s.stall());
    s = rate(s, lr);
    RoundResult r = fit(s, epoch, round);
    List<LayerHealth> layers = LayerHealth.merge(r.samples(), p.layerTypes());
    if (!layers.isEmpty()) {
      p.events().roundHealth(epoch, round, layers);
    }
    boolean nonFinite = r.samples().stream().anyMatch(HealthSample::nonFinite);
    for (Diagnosis d : p.diagnoser().observe(epoch, round, layers, nonFinite, r.loss())) {
      p.events().diagnosis(d);
    }
    TimeHealth.merge(r.samples(), p.layerTypes()).ifPresent(h -> {
      p.events().roundTimeHealth(epoch, round, h);
      p.timeRule().observe(epoch, round, h).filter(p.diagnoser()::record).ifPresent(p.events()::diagnosis);
    });
    DivergenceGuard.Verdict v = p.guard().judge(s.guard(), epoch, round, r.loss(), r.parametersFinite(), lr,
        p.schedule().startRate());
    TrainingState next;
    boolean broken = !r.parametersFinite() || !Double.isFinite(r.loss());
    if (s.stall().boost() != null && (broken || !(v instanceof DivergenceGuard.Keep))) {
      // A boosted round diverged (also with the guard off): the boost's doing, so the stall policy rolls
      // it back, not the guard.
      String reason = p.guard().reason(s.guard(), r.loss(), r.parametersFinite());
      StallPolicy.EndBoost end = p.stall().aborted(s.stall(), epoch, round, lr, reason != null ? reason
          : "the divergence guard would undo it");
      next = endBoost(s, end, lr);
    } else if (v instanceof DivergenceGuard.Keep) {
      next = s.withGuard(v.next()).withWeights(p.net().weights()).withEpoch(s.epoch().add(r.loss(), r.minibatches()));
      // Gradients vanishing or exploding through time explain a flat loss: the stall rule is not asked then
      // (as it sets itself aside for the per-layer findings), unless a boost it started must be judged.
      if (s.stall().boost() != null || !p.timeRule().holding()) {
        next = stall(next, epoch, round, rounds, r.loss(), lr, layers);
      }
    } else if (v instanceof DivergenceGuard.Undo undo) {
      p.net().restore(s.weights());
      next = rate(s.withGuard(v.next()), undo.recovery().learningRateAfter());
      next = next.withStall(next.stall().afterRecovery(), next.rollback());
      p.events().recovery(undo.recovery());
    } else {
      p.net().restore(s.weights());
      throw new DivergedException(((DivergenceGuard.GiveUp) v).message(), Trainer.health(s.withGuard(v.next()),
          "diverged", "the divergence guard gave up in epoch " + epoch + ", round " + round, epoch - 1));
    }
    TrainingState.EpochProgress progress = next.epoch();
    TrainingState.Totals t = s.totals();
    return next.withDiagnoser(p.diagnoser().state())
        .withEpoch(new TrainingState.EpochProgress(progress.lossSum(), progress.lossMinibatches(),
            progress.trainSeconds() + r.seconds()))
        .withTotals(new TrainingState.Totals(t.rounds() + 1, t.healthSamples() + r.samples().size(),
            t.trainSeconds() + r.seconds(), p.earlierFaults().plus(p.faults().faults())))
        .withPosition(new TrainingState.Position(epoch, round + 1));
  }

  /** Asks the stall policy about a kept round and does what it says. */
  private TrainingState stall(TrainingState s, int epoch, int round, int rounds, double loss, double lr,
      List<LayerHealth> layers) {
    double progress = LrSchedule.progress(epoch, round + 1, rounds);
    LrSchedule.State restarted = p.schedule().restart(s.schedule(), progress);
    double peak = p.schedule().rateAt(restarted, progress) * s.guard().scale();
    List<Double> validation = s.epochs().stream().map(EpochMetrics::validationLoss).toList();
    StallPolicy.Verdict v = p.stall().judge(s.stall(),
        new StallPolicy.Round(epoch, round, loss, lr, peak, layers, validation, s.guard()));
    if (v instanceof StallPolicy.Noticed n) {
      diagnose(n.finding(), n.remedy());
      if (n.event() != null) {
        p.events().stall(n.event());
      }
      return s.withStall(v.next(), s.rollback());
    } else if (v instanceof StallPolicy.StartBoost b) {
      diagnose(b.finding(), b.remedy());
      p.events().stall(b.event());
      return s.withStall(v.next(), s.weights());
    } else if (v instanceof StallPolicy.Restart r) {
      diagnose(r.finding(), r.remedy());
      p.events().stall(r.event());
      return s.withStall(v.next(), null).withSchedule(restarted);
    } else if (v instanceof StallPolicy.EndBoost e) {
      return endBoost(s, e, lr);
    }
    return s.withStall(v.next(), s.rollback());
  }

  /**
   * A boost is over: on a rollback the weights and the guard's state from before it come back; either way
   * the network goes back to the unboosted rate at once (the next round sets the schedule's exact rate).
   */
  private TrainingState endBoost(TrainingState s, StallPolicy.EndBoost e, double boostedRate) {
    p.events().stall(e.event());
    if (e.rollback()) {
      p.net().restore(s.rollback());
      s = s.withWeights(s.rollback()).withGuard(s.stall().boost().guard());
    }
    return rate(s.withStall(e.next(), null), boostedRate / p.stall().rateFactor(s.stall()));
  }

  /** A stall finding: counted by the diagnoser, reported the first time of its kind. */
  private void diagnose(io.sparktrain.health.StallRule.Finding f, String remedy) {
    Diagnosis d = f.diagnosis(remedy);
    if (p.diagnoser().record(d)) {
      p.events().diagnosis(d);
    }
  }

  /** Sets the network's rate when it changes. */
  private TrainingState rate(TrainingState s, double lr) {
    if (lr != s.learningRate()) {
      p.net().setLearningRate(lr);
      p.diagnoser().learningRate(lr);
    }
    return s.withLearningRate(lr);
  }

  private RoundResult fit(TrainingState s, int epoch, int round) {
    long t0 = System.nanoTime();
    double[] before = p.tracker().totals();
    try {
      p.source().fit(p.net(), epoch, round);
    } catch (Exception e) {
      // Spark throws its (checked) SparkException unchecked. A signal cancels the round's jobs: the
      // network is put back to the state's weights, which the interruption then checkpoints.
      p.net().restore(s.weights());
      p.interruption().check(s);
      p.source().probe(e);
      throw e;
    }
    if (p.source() instanceof ExportedBatches) {
      p.tracker().roundEnded();
    }
    List<RoundMetrics> done = p.tracker().drain();
    double loss;
    long minibatches;
    if (p.source() instanceof DirectBatches) {
      double[] after = p.tracker().totals();
      minibatches = (long) (after[0] - before[0]);
      loss = after[2] > before[2] || minibatches <= 0 ? Double.NaN : (after[1] - before[1]) / minibatches;
    } else {
      minibatches = done.stream().mapToLong(RoundMetrics::minibatches).sum();
      loss = done.stream().anyMatch(m -> Double.isNaN(m.meanLoss())) || minibatches == 0 ? Double.NaN
          : done.stream().mapToDouble(m -> m.meanLoss() * m.minibatches()).sum() / minibatches;
    }
    List<HealthSample> samples = p.monitor() == null ? List.of() : p.monitor().drain();
    boolean finite = Double.isFinite(p.net().network().params().sumNumber().doubleValue());
    return new RoundResult(loss, minibatches, samples, finite, (System.nanoTime() - t0) / 1e9);
  }

  private TrainingState endEpoch(TrainingState s, int epoch) {
    int epochs = p.train().epochs();
    if (!s.weights().finite()) {
      // Only reachable with the guard off: it never keeps non-finite parameters.
      throw new DivergedException(String.format(Locale.ROOT,
          "training diverged in epoch %d: the parameters are NaN or Inf, so the model cannot be evaluated "
              + "(train.guard.enabled = false). Turn the divergence guard on, or lower the learning rate (now %.3g; "
              + "sparktrain lr-find suggests one).", epoch, s.learningRate()),
          Trainer.health(s, "diverged", "parameters NaN or Inf in epoch " + epoch, epoch - 1));
    }
    p.sc().setJobGroup("epoch-" + epoch, "epoch " + epoch + "/" + epochs + ": validation", false);
    Validation.Result v = p.validation().run(p.net());
    double trainSeconds = s.epoch().trainSeconds();
    EpochMetrics m = new EpochMetrics(epoch, s.epoch().meanLoss(), v.loss(), v.accuracy(),
        p.validation().trainCount() / Math.max(trainSeconds, 1e-9), trainSeconds, v.seconds(),
        p.tracker().phases().next(trainSeconds, p.net().workers()), s.learningRate());
    p.events().epochDone(m, epochs);
    LrSchedule.EpochEnd plateau = p.schedule().epochEnd(s.schedule(), v.loss());
    if (plateau.lowered()) {
      p.events().diagnosis(new Diagnosis("plateau", epoch, 0, List.of(), "validationLoss", v.loss(),
          String.format(Locale.ROOT, "validation loss has not improved for %d epochs: learning rate lowered to %.3g",
              p.train().schedule().patience() + 1, p.schedule().rateAt(plateau.next(), epoch))));
    }
    EarlyStopping.Observation o = p.early().observe(s.early(), epoch, p.early().metric(m));
    Weights best = o.improved() && p.early().keepsBest() ? s.weights() : s.best();
    TrainingState.Totals t = s.totals();
    TrainingState next = s.withSchedule(plateau.next()).withEarly(o.next(), best)
        .withTotals(new TrainingState.Totals(t.rounds(), t.healthSamples(), t.trainSeconds() + v.seconds(),
            p.earlierFaults().plus(p.faults().faults())))
        .epochCompleted(m);
    if (p.early().shouldStop(o.next()) && epoch < epochs) {
      return next.withStop(new TrainingState.Stop("early stopping", p.early().reason(o.next())));
    }
    return epoch >= epochs ? next.withStop(new TrainingState.Stop("epochs", "all " + epochs + " epochs ran")) : next;
  }
}
