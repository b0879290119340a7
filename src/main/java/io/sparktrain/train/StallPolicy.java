package io.sparktrain.train;

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
   */
  public record Boost(int epoch, int round, String finding, double plateauLoss, int roundsLeft, List<Double> losses) {
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

  private final StallConfig config;
  private final StallRule rule;
  private final double minRelativeDrop;

  public StallPolicy(StallConfig config, StallRule rule, double minRelativeDrop) {
    this.config = config;
    this.rule = rule;
    this.minRelativeDrop = minRelativeDrop;
  }

  /** What the next round's rate is multiplied by: the boost's factor while one runs, else 1. */
  public double rateFactor(State s) {
    return s.boost() != null ? config.boostFactor() : 1.0;
  }

  /** Remembers the untrained network's loss when the state does not have it yet (an older checkpoint's). */
  public State withUntrainedLoss(State s, double loss) {
    return Double.isFinite(s.untrainedLoss()) ? s
        : new State(s.rule(), loss, s.boost(), s.actions(), s.events());
  }

  /**
   * Judges a kept round.
   *
   * @param learningRate the rate the round ran with
   * @param peakRate the rate a restart goes back to (the schedule's peak, with the guard's cuts)
   * @param validationLosses every completed epoch's validation loss
   */
  public Verdict judge(State s, int epoch, int round, double loss, double learningRate, double peakRate,
      List<LayerHealth> layers, List<Double> validationLosses) {
    if (s.boost() != null) {
      return boosted(s, epoch, round, loss, learningRate);
    }
    StallRule.Result r = rule.observe(s.rule(), epoch, round, loss, learningRate, layers, s.untrainedLoss(),
        validationLosses);
    State next = new State(r.next(), s.untrainedLoss(), null, s.actions(), s.events());
    StallRule.Finding f = r.finding();
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
          : "Reported only: train.stall.maxActions (" + config.maxActions() + ") boosts or restarts ran already.";
      StallEvent e = event(epoch, round, StallEvent.Type.REPORTED, f, learningRate, learningRate, f.meanLoss(),
          remedy);
      return new Noticed(next.with(e), f, remedy, e);
    }
    if (config.action() == StallConfig.Action.RESTART) {
      String remedy = String.format(Locale.ROOT, "sparktrain restarted the warm-restart cycle at its peak rate %s "
          + "(train.stall.action = restart).", sci(peakRate));
      StallEvent e = event(epoch, round, StallEvent.Type.RESTART, f, learningRate, peakRate, f.meanLoss(), remedy);
      return new Restart(new State(r.next(), s.untrainedLoss(), null, s.actions() + 1, s.events()).with(e), f, remedy, e);
    }
    double boosted = learningRate * config.boostFactor();
    String remedy = String.format(Locale.ROOT, "sparktrain raised the learning rate %sx to %s for %d rounds "
        + "(train.stall.action = boost), from the parameters at the stall, which are kept to roll back to if the "
        + "loss does not fall.", fmt(config.boostFactor()), sci(boosted), config.boostRounds());
    StallEvent e = event(epoch, round, StallEvent.Type.BOOST, f, learningRate, boosted, f.meanLoss(), remedy);
    Boost b = new Boost(epoch, round, f.kind().key(), f.meanLoss(), config.boostRounds(), List.of());
    return new StartBoost(new State(r.next(), s.untrainedLoss(), b, s.actions() + 1, s.events()).with(e), f, remedy, e);
  }

  /**
   * A boosted round that the divergence guard would undo: the boost ends and the weights from before it
   * come back. The guard's state stays as it was: the divergence was the boost's, not the rate's.
   */
  public EndBoost aborted(State s, int epoch, int round, double learningRate, String reason) {
    Boost b = s.boost();
    String detail = "the boosted round diverged (" + reason + "): rolled back to the parameters from before the boost "
        + "(epoch " + b.epoch() + ", round " + b.round() + ") and went on at the old rate";
    return end(s, b, epoch, round, StallEvent.Type.ROLLBACK, learningRate, Double.NaN, detail);
  }

  private Verdict boosted(State s, int epoch, int round, double loss, double learningRate) {
    Boost b0 = s.boost();
    List<Double> losses = new ArrayList<>(b0.losses());
    losses.add(loss);
    Boost b = new Boost(b0.epoch(), b0.round(), b0.finding(), b0.plateauLoss(), b0.roundsLeft() - 1, losses);
    if (b.roundsLeft() > 0) {
      return new Go(new State(s.rule(), s.untrainedLoss(), b, s.actions(), s.events()));
    }
    // The last half of the boosted rounds: the first ones are still on the plateau.
    int half = Math.max(1, (losses.size() + 1) / 2);
    double after = losses.subList(losses.size() - half, losses.size()).stream().mapToDouble(Double::doubleValue)
        .average().orElse(Double.NaN);
    boolean fell = after < b.plateauLoss() * (1 - minRelativeDrop);
    String detail = String.format(Locale.ROOT, "after %d boosted rounds the loss is %.4f (the last %d rounds' mean), "
        + "against the plateau's %.4f: %s", losses.size(), after, half, b.plateauLoss(), fell
            ? "the boost is kept, training goes on from there at the old rate"
            : "it did not fall, so the parameters from before the boost are restored and training goes on at the old rate");
    return end(s, b, epoch, round, fell ? StallEvent.Type.KEPT : StallEvent.Type.ROLLBACK, learningRate, after, detail);
  }

  private EndBoost end(State s, Boost b, int epoch, int round, StallEvent.Type type, double learningRate, double loss,
      String detail) {
    StallEvent e = new StallEvent(epoch, round, type, b.finding(), learningRate, learningRate / config.boostFactor(),
        loss, detail);
    State next = new State(s.rule().restarted(), s.untrainedLoss(), null, s.actions(), s.events()).with(e);
    return new EndBoost(next, e, type == StallEvent.Type.ROLLBACK);
  }

  private static StallEvent event(int epoch, int round, StallEvent.Type type, StallRule.Finding f, double before,
      double after, double loss, String detail) {
    return new StallEvent(epoch, round, type, f.kind().key(), before, after, loss, detail);
  }

  private static String sci(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
