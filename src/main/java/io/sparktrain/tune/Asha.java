package io.sparktrain.tune;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Asynchronous successive halving (Li et al. 2018, "A System for Massively Parallel Hyperparameter
 * Tuning", algorithm 2). Rungs sit at {@code grace × eta^k} epochs (and at {@code maxEpochs}, the top
 * rung, when that is not one of them). Whenever a slot is free, the scheduler promotes a trial that is
 * in the top {@code 1/eta} of its rung and not promoted yet (looking from the highest rung down), and
 * otherwise starts a new trial at the bottom rung: no rung waits for the others to fill.
 *
 * <p>Scores are "higher is better" ({@code TuneConfig.Metric.score}). A failed trial is recorded in the
 * rung it was trying to reach with a NaN score: it counts towards the rung's size (so a failure is not
 * a reason to promote more) but ranks below every finished trial and is never promoted. Ties go to the
 * trial with the lower number, the one that reported first in a search run in order.
 *
 * <p>With {@code scheduler = none} there is one rung, {@code maxEpochs}: every trial trains the full
 * budget (random search or a grid without early termination).
 */
public final class Asha {
  private final List<Integer> rungs;
  private final int eta;
  private final int maxTrials;

  public Asha(int eta, int grace, int maxEpochs, int maxTrials, boolean earlyTermination) {
    this.eta = eta;
    this.maxTrials = maxTrials;
    List<Integer> r = new ArrayList<>();
    if (earlyTermination) {
      for (long e = grace; e <= maxEpochs; e *= eta) {
        r.add((int) e);
      }
    }
    if (r.isEmpty() || r.get(r.size() - 1) != maxEpochs) {
      r.add(maxEpochs);
    }
    this.rungs = List.copyOf(r);
  }

  /** The epochs at which each rung compares its trials, lowest first. */
  public List<Integer> rungs() {
    return rungs;
  }

  /**
   * What the scheduler knows: each rung's reported scores by trial number, the trials promoted out of
   * each rung, and how many trials have been started.
   */
  public record State(List<Map<Integer, Double>> scores, List<Set<Integer>> promoted, int started) {
    public static State initial(int rungs) {
      List<Map<Integer, Double>> s = new ArrayList<>();
      List<Set<Integer>> p = new ArrayList<>();
      for (int i = 0; i < rungs; i++) {
        s.add(Map.of());
        p.add(Set.of());
      }
      return new State(List.copyOf(s), List.copyOf(p), 0);
    }
  }

  public State initial() {
    return State.initial(rungs.size());
  }

  /** What to run next in a free slot. */
  public sealed interface Decision {}

  /** Start trial {@code number} from scratch and train it to the first rung. */
  public record Start(int number, int epochs) implements Decision {}

  /** Continue trial {@code number} from rung {@code from}'s epochs to rung {@code to}'s. */
  public record Promote(int number, int from, int to, int fromEpochs, int toEpochs) implements Decision {}

  /** Nothing to run until a running trial reports. */
  public record Wait() implements Decision {}

  /** Nothing will ever run again: the search is over once the running trials report. */
  public record Done() implements Decision {}

  /** The next job, given the trials running now ({@code running}, 0 when none). */
  public Decision next(State s, int running) {
    for (int k = rungs.size() - 2; k >= 0; k--) {
      Optional<Integer> candidate = promotable(s, k);
      if (candidate.isPresent()) {
        return new Promote(candidate.get(), k, k + 1, rungs.get(k), rungs.get(k + 1));
      }
    }
    if (s.started() < maxTrials) {
      return new Start(s.started(), rungs.get(0));
    }
    return running > 0 ? new Wait() : new Done();
  }

  /** The best trial of rung {@code k} that is in its top 1/eta, finished (not failed) and not yet promoted. */
  Optional<Integer> promotable(State s, int k) {
    List<Map.Entry<Integer, Double>> ranked = ranked(s.scores().get(k));
    int top = ranked.size() / eta;
    for (int i = 0; i < top; i++) {
      Map.Entry<Integer, Double> e = ranked.get(i);
      if (!Double.isNaN(e.getValue()) && !s.promoted().get(k).contains(e.getKey())) {
        return Optional.of(e.getKey());
      }
    }
    return Optional.empty();
  }

  /** A rung's trials, best first: by score (NaN last), then by trial number. */
  static List<Map.Entry<Integer, Double>> ranked(Map<Integer, Double> rung) {
    List<Map.Entry<Integer, Double>> out = new ArrayList<>(rung.entrySet());
    out.sort(Comparator.<Map.Entry<Integer, Double>>comparingDouble(e -> Double.isNaN(e.getValue())
        ? Double.POSITIVE_INFINITY : -e.getValue()).thenComparing(Map.Entry::getKey));
    return out;
  }

  /** The state after the decision was handed out: a start counts, a promotion marks the trial promoted. */
  public State dispatched(State s, Decision d) {
    if (d instanceof Start) {
      return new State(s.scores(), s.promoted(), s.started() + 1);
    }
    if (d instanceof Promote p) {
      List<Set<Integer>> promoted = new ArrayList<>(s.promoted());
      Set<Integer> set = new HashSet<>(promoted.get(p.from()));
      set.add(p.number());
      promoted.set(p.from(), Set.copyOf(set));
      return new State(s.scores(), List.copyOf(promoted), s.started());
    }
    return s;
  }

  /** The state after trial {@code number} reported {@code score} at rung {@code rung} (NaN: it failed). */
  public State reported(State s, int number, int rung, double score) {
    List<Map<Integer, Double>> scores = new ArrayList<>(s.scores());
    Map<Integer, Double> r = new HashMap<>(scores.get(rung));
    r.put(number, score);
    scores.set(rung, Map.copyOf(r));
    return new State(List.copyOf(scores), s.promoted(), s.started());
  }

  /** No more new trials (the sampler ran out): the state with the start budget closed at what was started. */
  public Asha closedAt(int started) {
    return new Asha(eta, rungs, started);
  }

  private Asha(int eta, List<Integer> rungs, int maxTrials) {
    this.eta = eta;
    this.rungs = rungs;
    this.maxTrials = maxTrials;
  }

  /** The rung whose epochs are {@code epochs}, or -1. */
  public int rungAt(int epochs) {
    return rungs.indexOf(epochs);
  }
}
