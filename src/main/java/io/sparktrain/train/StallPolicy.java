package io.sparktrain.train;

import io.sparktrain.config.HealthConfig;
import io.sparktrain.config.StallConfig;
import io.sparktrain.health.LayerHealth;
import io.sparktrain.health.StallRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The stall policy, asked after every kept averaging round: it runs {@link StallRule} and, on a stall,
 * applies {@code train.stall.action}: a boost (the rate times boostFactor for boostRounds rounds, then
 * kept if the loss fell, else rolled back to the parameters from before it), or a restart of the sgdr
 * schedule's cycle. Its memory is a {@link State}, part of the {@link TrainingState}; the parameters a
 * boost may roll back to are the state's {@code rollback}.
 */
public final class StallPolicy {
  /**
   * A boost in progress.
   *
   * @param epoch the epoch of the round after which it began
   * @param round that round
   * @param finding the diagnosis kind that started it
   * @param plateauLoss the plateau's mean loss, which the boosted rounds must beat
   * @param roundsLeft boosted rounds still to run
   * @param losses the boosted rounds' losses so far
   * @param guard the divergence guard's state when it began, which a rollback restores (the boosted
   *     rounds' losses must not become the guard's reference)
   */
  public record Boost(int epoch, int round, String finding, double plateauLoss, int roundsLeft, List<Double> losses,
      DivergenceGuard.State guard) {
    public Boost {
      losses = List.copyOf(losses);
    }
  }

  /**
   * What the policy remembers.
   *
   * @param rule the stall rule's memory
   * @param untrainedLoss the untrained network's loss ("far above" is judged against it); NaN until known
   * @param boost the boost in progress, else null
   * @param actions boosts and restarts so far
   * @param events everything the policy did or reported, in order
   */
  public record State(StallRule.State rule, double untrainedLoss, Boost boost, int actions, List<StallEvent> events) {
    public State {
      events = List.copyOf(events);
    }

    public static State initial(double untrainedLoss) {
      return new State(StallRule.State.initial(), untrainedLoss, null, 0, List.of());
    }

    /** This state with the untrained loss, when it does not have it yet (an older checkpoint's). */
    public State withUntrainedLoss(double loss) {
      return Double.isFinite(untrainedLoss) ? this : new State(rule, loss, boost, actions, events);
    }

    /** After the divergence guard undid a round: the rule's window starts again (the rate may have been cut). */
    public State afterRecovery() {
      return new State(rule.restarted(), untrainedLoss, boost, actions, events);
    }

    State with(StallEvent e) {
      List<StallEvent> all = new ArrayList<>(events);
      all.add(e);
      return new State(rule, untrainedLoss, boost, actions, all);
    }
  }

  /** The policy's answer for one round. */
  public sealed interface Verdict permits Go, Noticed, StartBoost, EndBoost, Restart {
    State next();
  }

  /** Nothing to do. */
  public record Go(State next) implements Verdict {}

  /** A finding to report (convergence, or a stall left alone: then {@code event} says so; else it is null). */
  public record Noticed(State next, StallRule.Finding finding, String remedy, StallEvent event) implements Verdict {}

  /** A boost begins after this round: keep the state's weights to roll back to. */
  public record StartBoost(State next, StallRule.Finding finding, String remedy, StallEvent event) implements Verdict {}

  /** The boost is over: with {@code rollback}, restore the weights from before it. */
  public record EndBoost(State next, StallEvent event, boolean rollback) implements Verdict {}

  /** The sgdr schedule restarts its cycle from the next round on. */
  public record Restart(State next, StallRule.Finding finding, String remedy, StallEvent event) implements Verdict {}

  /**
   * A kept round as the policy sees it.
   *
   * @param learningRate the rate it ran with
   * @param peakRate the rate a restart goes back to (the schedule's peak, with the guard's cuts)
   * @param layers its merged layer health; empty when none of its minibatches was sampled
   * @param validationLosses every completed epoch's validation loss
   * @param guard the divergence guard's state after it (a boost that begins keeps it, to restore)
   */
  public record Round(int epoch, int round, double loss, double learningRate, double peakRate,
      List<LayerHealth> layers, List<Double> validationLosses, DivergenceGuard.State guard) {
    public Round {
      layers = List.copyOf(layers);
      validationLosses = List.copyOf(validationLosses);
    }
  }

  private final StallConfig config;
  private final StallRule rule;
  private final HealthConfig.Stall thresholds;

  public StallPolicy(StallConfig config, StallRule rule, HealthConfig.Stall thresholds) {
    this.config = config;
    this.rule = rule;
    this.thresholds = thresholds;
  }

  /** What the next round's rate is multiplied by: the boost's factor while one runs, else 1. */
  public double rateFactor(State s) {
    return s.boost() != null ? config.boostFactor() : 1.0;
  }

  /** Judges a kept round. */
  public Verdict judge(State s, Round r) {
    if (s.boost() != null) {
      return boosted(s, r);
    }
    StallRule.Result result = rule.observe(s.rule(), r.epoch(), r.round(), r.loss(), r.learningRate(), r.layers(),
        s.untrainedLoss(), r.validationLosses());
    State next = new State(result.next(), s.untrainedLoss(), null, s.actions(), s.events());
    StallRule.Finding f = result.finding();
    if (f == null) {
      return new Go(next);
    }
    if (!f.kind().actionable()) {
      return new Noticed(next, f, "", null);
    }
    if (config.action() == StallConfig.Action.NONE || s.actions() >= config.maxActions()) {
      String remedy = config.action() == StallConfig.Action.NONE
          ? "Nothing was changed (train.stall.action = none); with train.stall.action = boost sparktrain raises the "
              + "rate for a few rounds and rolls back if the loss does not fall."
          : config.maxActions() == 0 ? "Reported only: train.stall.maxActions = 0."
          : "Reported only: the " + config.maxActions() + " boosts or restarts that train.stall.maxActions allows "
              + "ran already.";
      // One event per plateau: while the same finding holds window after window, it is counted, not logged again.
      StallEvent last = s.events().isEmpty() ? null : s.events().get(s.events().size() - 1);
      if (last != null && last.type() == StallEvent.Type.REPORTED && last.finding().equals(f.kind().key())) {
        return new Noticed(next, f, remedy, null);
      }
      StallEvent e = event(r, StallEvent.Type.REPORTED, f, r.learningRate(), f.meanLoss(), remedy);
      return new Noticed(next.with(e), f, remedy, e);
    }
    if (config.action() == StallConfig.Action.RESTART) {
      String remedy = String.format(Locale.ROOT, "sparktrain restarted the warm-restart cycle at its peak rate %s "
          + "(train.stall.action = restart).", sci(r.peakRate()));
      StallEvent e = event(r, StallEvent.Type.RESTART, f, r.peakRate(), f.meanLoss(), remedy);
      return new Restart(new State(result.next(), s.untrainedLoss(), null, s.actions() + 1, s.events()).with(e), f,
          remedy, e);
    }
    double boosted = r.learningRate() * config.boostFactor();
    String remedy = String.format(Locale.ROOT, "sparktrain raised the learning rate %sx to %s for %d rounds "
        + "(train.stall.action = boost), from the parameters at the stall, which are kept to roll back to if the "
        + "loss does not fall; then it goes on at the old rate.", fmt(config.boostFactor()), sci(boosted),
        config.boostRounds());
    StallEvent e = event(r, StallEvent.Type.BOOST, f, boosted, f.meanLoss(), remedy);
    Boost b = new Boost(r.epoch(), r.round(), f.kind().key(), f.meanLoss(), config.boostRounds(), List.of(), r.guard());
    return new StartBoost(new State(result.next(), s.untrainedLoss(), b, s.actions() + 1, s.events()).with(e), f,
        remedy, e);
  }

  /**
   * The run ends (its last epoch, or early stopping) while a boost runs: the boost is judged on the
   * rounds it had, and rolled back when it had none.
   */
  public EndBoost cutShort(State s, int epoch, int round, double learningRate) {
    Boost b = s.boost();
    if (b.losses().isEmpty()) {
      return end(s, b, epoch, round, StallEvent.Type.ROLLBACK, learningRate, Double.NaN,
          "training ended before a boosted round ran: rolled back to the parameters from before the boost");
    }
    return judgeBoost(s, new Boost(b.epoch(), b.round(), b.finding(), b.plateauLoss(), 0, b.losses(), b.guard()),
        epoch, round, learningRate, " (training ended after " + b.losses().size() + " of its rounds)");
  }

  /**
   * A boosted round that diverged (the divergence guard would undo it, or, with the guard off, its loss
   * or parameters are NaN): the boost ends and the weights from before it come back, with the guard's
   * state from then: the divergence was the boost's, not the rate's.
   */
  public EndBoost aborted(State s, int epoch, int round, double learningRate, String reason) {
    Boost b = s.boost();
    String detail = "the boosted round diverged (" + reason + "): rolled back to the parameters from before the boost "
        + "(epoch " + b.epoch() + ", round " + b.round() + ") and went on at the old rate";
    return end(s, b, epoch, round, StallEvent.Type.ROLLBACK, learningRate, Double.NaN, detail);
  }

  private Verdict boosted(State s, Round r) {
    Boost b0 = s.boost();
    List<Double> losses = new ArrayList<>(b0.losses());
    losses.add(r.loss());
    Boost b = new Boost(b0.epoch(), b0.round(), b0.finding(), b0.plateauLoss(), b0.roundsLeft() - 1, losses,
        b0.guard());
    if (b.roundsLeft() > 0) {
      return new Go(new State(s.rule(), s.untrainedLoss(), b, s.actions(), s.events()));
    }
    return judgeBoost(s, b, r.epoch(), r.round(), r.learningRate(), "");
  }

  /**
   * Kept when the mean of the last half of the boosted rounds (the first ones are still on the plateau) is
   * below the plateau's by more than minRelativeDrop of it and more than noiseZ standard errors of that mean.
   */
  private EndBoost judgeBoost(State s, Boost b, int epoch, int round, double learningRate, String note) {
    List<Double> losses = b.losses();
    int half = Math.max(1, (losses.size() + 1) / 2);
    double[] last = losses.subList(losses.size() - half, losses.size()).stream().mapToDouble(Double::doubleValue)
        .toArray();
    double after = java.util.Arrays.stream(last).average().orElse(Double.NaN);
    double sd = half > 1 ? Math.sqrt(java.util.Arrays.stream(last).map(x -> (x - after) * (x - after)).sum()
        / (half - 1)) : 0;
    double margin = Math.max(thresholds.minRelativeDrop() * b.plateauLoss(),
        thresholds.noiseZ() * sd / Math.sqrt(half));
    boolean fell = after < b.plateauLoss() - margin;
    String detail = String.format(Locale.ROOT, "after %d boosted rounds%s the loss is %.4f (the last %d rounds' mean), "
        + "against the plateau's %.4f: %s", losses.size(), note, after, half, b.plateauLoss(), fell
            ? "the boost is kept, training goes on from there at the old rate"
            : "it did not fall by more than " + String.format(Locale.ROOT, "%.4f", margin) + ", so the parameters "
                + "from before the boost are restored and training goes on at the old rate");
    return end(s, b, epoch, round, fell ? StallEvent.Type.KEPT : StallEvent.Type.ROLLBACK, learningRate, after, detail);
  }

  private EndBoost end(State s, Boost b, int epoch, int round, StallEvent.Type type, double learningRate, double loss,
      String detail) {
    StallEvent e = new StallEvent(epoch, round, type, b.finding(), learningRate, learningRate / config.boostFactor(),
        loss, detail);
    State next = new State(s.rule().restarted(), s.untrainedLoss(), null, s.actions(), s.events()).with(e);
    return new EndBoost(next, e, type == StallEvent.Type.ROLLBACK);
  }

  private static StallEvent event(Round r, StallEvent.Type type, StallRule.Finding f, double after, double loss,
      String detail) {
    return new StallEvent(r.epoch(), r.round(), type, f.kind().key(), r.learningRate(), after, loss, detail);
  }

  private static String sci(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
