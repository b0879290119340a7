package io.sparktrain.train;

import io.sparktrain.config.GuardConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The divergence guard, a policy the loop asks after every averaging round: keep the round, undo it
 * (the loop restores the last good parameters and updater state, which the {@link TrainingState}
 * holds), or give up. A round diverged when its loss or the averaged parameters are NaN/Inf, or its loss
 * is a spike over the running median of the last good rounds. NaN/Inf, or a second spike within
 * {@code train.guard.window} rounds of the last recovery, lowers the rate by {@code lrFactor}; a lone
 * finite spike (a bad minibatch draw) is undone and training goes on at the same rate.
 */
public final class DivergenceGuard {
  /** Good rounds needed before a spike can be judged. */
  static final int MIN_HISTORY = 3;
  /**
   * Losses are judged against at least this fraction of the untrained loss: near zero, one confidently
   * wrong example makes a small round's loss jump many times over without anything diverging.
   */
  static final double FLOOR_FRACTION = 0.1;

  private final GuardConfig config;

  public DivergenceGuard(GuardConfig config) {
    this.config = config;
  }

  /**
   * What the guard remembers between rounds.
   *
   * @param recent losses of the last {@code window} kept rounds, oldest first
   * @param floor the smallest reference a spike is judged against (a tenth of the untrained loss)
   * @param scale the product of the guard's rate cuts so far (the schedule's rate is multiplied by it)
   * @param roundsSinceRecovery rounds since the guard last undid one
   * @param recoveries every round the guard undid, in order
   */
  public record State(List<Double> recent, double floor, double scale, int roundsSinceRecovery,
      List<Recovery> recoveries) {
    public State {
      recent = List.copyOf(recent);
      recoveries = List.copyOf(recoveries);
    }

    /** Before the first round: no history, no cuts. */
    public static State initial() {
      return new State(List.of(), 0, 1.0, Integer.MAX_VALUE / 2, List.of());
    }
  }

  /** The guard's answer for one round. */
  public sealed interface Verdict permits Keep, Undo, GiveUp {
    /** The guard's state after this round. */
    State next();
  }

  /** The round stands. */
  public record Keep(State next) implements Verdict {}

  /** The round is undone; {@code recovery} says why and the rate to go on with. */
  public record Undo(State next, Recovery recovery) implements Verdict {}

  /** The round diverged once more than {@code train.guard.maxRecoveries} allows: the run stops (exit code 4). */
  public record GiveUp(State next, String message) implements Verdict {}

  /**
   * Seeds the history with the untrained network's loss, so that a first round that already
   * diverged (too high a rate blows up within one round) is judged against it.
   */
  public State baseline(State s, double initialLoss) {
    if (!Double.isFinite(initialLoss)) {
      return s;
    }
    State out = new State(s.recent(), FLOOR_FRACTION * initialLoss, s.scale(), s.roundsSinceRecovery(),
        s.recoveries());
    for (int i = 0; i < MIN_HISTORY; i++) {
      out = kept(out, initialLoss, out.roundsSinceRecovery());
    }
    return out;
  }

  /**
   * Judges one round.
   *
   * @param loss the round's mean training loss (NaN when a minibatch's loss was NaN/Inf)
   * @param parametersFinite whether the averaged parameters are all finite
   * @param learningRate the rate the round ran with
   * @param startRate the rate training started with (for the message when the guard gives up)
   */
  public Verdict judge(State s, int epoch, int round, double loss, boolean parametersFinite, double learningRate,
      double startRate) {
    if (!config.enabled()) {
      return new Keep(s);
    }
    int since = s.roundsSinceRecovery() + 1;
    String diverged = reason(s, loss, parametersFinite);
    if (diverged == null) {
      return new Keep(kept(s, loss, since));
    }
    if (s.recoveries().size() >= config.maxRecoveries()) {
      return new GiveUp(s, String.format(Locale.ROOT,
          "training diverged again in epoch %d, round %d (%s) after %d recoveries (train.guard.maxRecoveries = %d); "
              + "the learning rate is now %.3g, started at %.3g. Lower model.updater.learningRate (sparktrain lr-find "
              + "suggests one), clip gradients (model.gradientNormalization) or add batch normalisation.",
          epoch, round, diverged, s.recoveries().size(), config.maxRecoveries(), learningRate, startRate));
    }
    boolean broken = !Double.isFinite(loss) || !parametersFinite;
    boolean repeated = since <= config.window();
    double scale = s.scale();
    double after = learningRate;
    if (broken || repeated) {
      scale *= config.lrFactor();
      after = learningRate * config.lrFactor();
    }
    Recovery recovery = new Recovery(epoch, round, diverged, learningRate, after);
    List<Recovery> recoveries = new ArrayList<>(s.recoveries());
    recoveries.add(recovery);
    return new Undo(new State(s.recent(), s.floor(), scale, 0, recoveries), recovery);
  }

  /** Why the round diverged, or null if it did not. */
  String reason(State s, double loss, boolean parametersFinite) {
    if (!parametersFinite) {
      return "the averaged parameters hold NaN or Inf";
    }
    if (!Double.isFinite(loss)) {
      return "the training loss is " + loss;
    }
    if (s.recent().size() >= MIN_HISTORY) {
      double median = median(s.recent());
      double reference = Math.max(median, s.floor());
      if (loss > config.spikeFactor() * reference) {
        return String.format(Locale.ROOT, "the training loss %.4g is %.1fx the median %.4g of the last %d good rounds",
            loss, loss / median, median, s.recent().size());
      }
    }
    return null;
  }

  private State kept(State s, double loss, int since) {
    List<Double> recent = new ArrayList<>(s.recent());
    recent.add(loss);
    while (recent.size() > config.window()) {
      recent.remove(0);
    }
    return new State(recent, s.floor(), s.scale(), since, s.recoveries());
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
