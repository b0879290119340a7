package io.sparktrain.tune;

/** Runs one trial's task somewhere and returns what it reported; never throws for a failure of the trial. */
public interface TrialRunner {
  TrialResult run(TrialTask task);
}
