package io.sparktrain.train;

/**
 * A request to stop training at the next round boundary: from a signal (SIGTERM on YARN preemption, pod
 * eviction or an Airflow timeout; SIGINT from a terminal) or from a test. Whoever requests it also
 * cancels the running Spark jobs, so the round in flight ends at once; the loop then puts the network
 * back to the last state and throws {@link Interrupted} with it, for the caller to checkpoint.
 */
public final class Interruption {
  private volatile String reason;

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
