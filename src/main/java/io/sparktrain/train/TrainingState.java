package io.sparktrain.train;

import io.sparktrain.data.FeatureScaler;
import io.sparktrain.data.SplitIdentity;
import io.sparktrain.health.Diagnoser;
import io.sparktrain.lrfind.LrCurve;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a run needs to go on, as one immutable value: what a checkpoint stores and what
 * {@code train --resume} continues from. The loop turns one state into the next after every round; the
 * policies (guard, schedule, early stopping) each own a part of it. There are no random-number
 * positions to keep: every draw is a function of the seed and a position (the epoch's order of
 * minibatches, an example's augmentation, a worker's dropout masks).
 *
 * @param position the epoch in progress and the rounds of it already done
 * @param weights the parameters and updater state after the last kept round (the guard restores them)
 * @param learningRate the rate the network is set to (the schedule's times the guard's cuts)
 * @param best the best epoch's weights when early stopping keeps them, else null
 * @param stall the stall policy's memory
 * @param rollback the weights a stall boost in progress rolls back to, else null
 * @param facts what was decided when the run started and never changes
 * @param epochs the metrics of every completed epoch
 * @param epoch the epoch in progress so far
 * @param totals counters over the whole run
 * @param stop why training stopped, or null while it goes on
 */
public record TrainingState(
    Position position,
    Weights weights,
    double learningRate,
    LrSchedule.State schedule,
    DivergenceGuard.State guard,
    EarlyStopping.State early,
    Weights best,
    Diagnoser.State diagnoser,
    StallPolicy.State stall,
    Weights rollback,
    RunFacts facts,
    List<EpochMetrics> epochs,
    EpochProgress epoch,
    Totals totals,
    Stop stop) {

  public TrainingState {
    epochs = List.copyOf(epochs);
  }

  /**
   * @param epoch the epoch in progress, 1-based (one past the last when all ran)
   * @param round the rounds of it already done
   */
  public record Position(int epoch, int round) {
    @Override
    public String toString() {
      return "epoch " + epoch + ", round " + round;
    }
  }

  /**
   * Fixed for the whole run.
   *
   * @param startRate the learning rate before any schedule or guard cut
   * @param rateSource where it came from (a config key, or the LR range test)
   * @param lrFind the range test's curve with {@code train.learningRate = auto}, else null
   * @param workers parameter-averaging workers per round
   * @param partitions partitions of the examples (they set each example's index, so which examples share a minibatch)
   * @param split the identity of the train, validation and test splits
   * @param scaler the normalisation fitted on the training split
   * @param featureStd per-feature standard deviation for jitter augmentation, else null
   */
  public record RunFacts(double startRate, String rateSource, LrCurve lrFind, int workers, int partitions,
      SplitIdentity split, FeatureScaler scaler, double[] featureStd) {}

  /**
   * The epoch in progress.
   *
   * @param lossSum the kept rounds' finite losses, weighted by their minibatches
   * @param lossMinibatches the minibatches in {@code lossSum}
   * @param trainSeconds training time of the epoch so far (over every attempt at it)
   */
  public record EpochProgress(double lossSum, long lossMinibatches, double trainSeconds) {
    public static final EpochProgress START = new EpochProgress(0, 0, 0);

    public EpochProgress add(double loss, long minibatches) {
      return Double.isFinite(loss) ? new EpochProgress(lossSum + loss * minibatches, lossMinibatches + minibatches,
          trainSeconds) : this;
    }

    public double meanLoss() {
      return lossMinibatches > 0 ? lossSum / lossMinibatches : Double.NaN;
    }
  }

  /**
   * @param rounds averaging rounds run (kept or undone)
   * @param healthSamples gradient-health samples seen
   * @param trainSeconds training and validation time so far, over every attempt
   * @param faults executors and task attempts lost so far, over every attempt
   */
  public record Totals(long rounds, long healthSamples, double trainSeconds, FaultLog.Faults faults) {
    public static final Totals START = new Totals(0, 0, 0, FaultLog.Faults.NONE);
  }

  /**
   * @param by "epochs" (all ran), "early stopping" or "diverged"
   * @param reason in words
   */
  public record Stop(String by, String reason) {}

  /** Whether training is over: stopped, or every epoch ran. */
  public boolean finished(int epochs) {
    return stop != null || position.epoch() > epochs;
  }

  public TrainingState withPosition(Position p) {
    return new TrainingState(p, weights, learningRate, schedule, guard, early, best, diagnoser, stall, rollback,
        facts, epochs, epoch, totals, stop);
  }

  public TrainingState withWeights(Weights w) {
    return new TrainingState(position, w, learningRate, schedule, guard, early, best, diagnoser, stall, rollback,
        facts, epochs, epoch, totals, stop);
  }

  public TrainingState withLearningRate(double lr) {
    return new TrainingState(position, weights, lr, schedule, guard, early, best, diagnoser, stall, rollback, facts,
        epochs, epoch, totals, stop);
  }

  public TrainingState withSchedule(LrSchedule.State s) {
    return new TrainingState(position, weights, learningRate, s, guard, early, best, diagnoser, stall, rollback,
        facts, epochs, epoch, totals, stop);
  }

  public TrainingState withGuard(DivergenceGuard.State g) {
    return new TrainingState(position, weights, learningRate, schedule, g, early, best, diagnoser, stall, rollback,
        facts, epochs, epoch, totals, stop);
  }

  public TrainingState withEarly(EarlyStopping.State e, Weights bestWeights) {
    return new TrainingState(position, weights, learningRate, schedule, guard, e, bestWeights, diagnoser, stall,
        rollback, facts, epochs, epoch, totals, stop);
  }

  public TrainingState withDiagnoser(Diagnoser.State d) {
    return new TrainingState(position, weights, learningRate, schedule, guard, early, best, d, stall, rollback,
        facts, epochs, epoch, totals, stop);
  }

  /** The stall policy's next state, and the weights a boost rolls back to (null when none runs). */
  public TrainingState withStall(StallPolicy.State s, Weights rollbackTo) {
    return new TrainingState(position, weights, learningRate, schedule, guard, early, best, diagnoser, s,
        rollbackTo, facts, epochs, epoch, totals, stop);
  }

  public TrainingState withEpoch(EpochProgress e) {
    return new TrainingState(position, weights, learningRate, schedule, guard, early, best, diagnoser, stall,
        rollback, facts, epochs, e, totals, stop);
  }

  public TrainingState withTotals(Totals t) {
    return new TrainingState(position, weights, learningRate, schedule, guard, early, best, diagnoser, stall,
        rollback, facts, epochs, epoch, t, stop);
  }

  public TrainingState withStop(Stop s) {
    return new TrainingState(position, weights, learningRate, schedule, guard, early, best, diagnoser, stall,
        rollback, facts, epochs, epoch, totals, s);
  }

  /** This state with an epoch's metrics added and the position moved to the start of the next epoch. */
  public TrainingState epochCompleted(EpochMetrics m) {
    List<EpochMetrics> all = new ArrayList<>(epochs);
    all.add(m);
    return new TrainingState(new Position(position.epoch() + 1, 0), weights, learningRate, schedule, guard, early,
        best, diagnoser, stall, rollback, facts, all, EpochProgress.START, totals, stop);
  }
}
