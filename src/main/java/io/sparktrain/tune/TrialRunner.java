package io.sparktrain.tune;

/** Runs one trial's task somewhere and returns what it reported; never throws for a failure of the trial. */
public interface TrialRunner {
  TrialResult run(TrialTask task);

  /**
   * Whether a trial's checkpoint travels through the search (in {@link TrialTask#checkpoint()} and
   * {@link TrialResult#checkpoint()}, kept as trials/trial-N-eE.zip), or stays with the trial (a run
   * directory of its own).
   */
  default boolean carriesCheckpoints() {
    return true;
  }

  /** The trials this runner trains at once at most (0: as many as the search asks). */
  default int slots() {
    return 0;
  }
}
