package io.sparktrain.train;

/**
 * A request to stop training at the next round boundary: from a signal (SIGTERM on YARN preemption, pod
 * eviction or an Airflow timeout; SIGINT from a terminal) or from a test. Whoever requests it also
 * cancels the running Spark jobs, so the round in flight ends at once; the loop then puts the network
 * back to the last state and throws {@link Interrupted} with it, for the caller to checkpoint.
 */
public final class Interruption {
  private volatile String reason;
  private volatile int pauseAfter = Integer.MAX_VALUE;
  /** The reason a run paused by {@link #pauseAfter} stops with. */
  public static final String PAUSE = "pause";

  /**
   * Stops the run, as a signal would, once {@code epochs} epochs are complete: its state is checkpointed
   * and {@code --resume} continues it (a search's trial that reached a rung).
   */
  public void pauseAfter(int epochs) {
    this.pauseAfter = epochs;
  }

  /** Asks the loop to stop; the first reason given is kept. */
  public synchronized void request(String why) {
    if (reason == null) {
      reason = why;
    }
  }

  public boolean requested() {
    return reason != null;
  }

  /** What asked, e.g. "SIGTERM"; null if nothing did. */
  public String reason() {
    return reason;
  }

  /** Throws {@link Interrupted} with {@code state} if a stop was requested. */
  void check(TrainingState state) {
    if (reason != null) {
      throw new Interrupted(reason, state);
    }
    if (state.epochs().size() >= pauseAfter && state.position().round() == 0) {
      throw new Interrupted(PAUSE, state);
    }
  }

  /** Training stopped at a round boundary on request; {@link #state()} is where it stood. */
  public static final class Interrupted extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient TrainingState state;
    private final String reason;

    Interrupted(String reason, TrainingState state) {
      super("training interrupted (" + reason + ") at " + state.position());
      this.reason = reason;
      this.state = state;
    }

    public TrainingState state() {
      return state;
    }

    public String reason() {
      return reason;
    }
  }
}
