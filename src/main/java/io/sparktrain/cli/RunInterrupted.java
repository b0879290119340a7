package io.sparktrain.cli;

/**
 * A run that a signal stopped cleanly (exit code 143 for SIGTERM, 130 for SIGINT): the message says
 * where it stood and how to continue.
 */
final class RunInterrupted extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String signal;

  RunInterrupted(String signal, String message) {
    super(message);
    this.signal = signal;
  }

  String signal() {
    return signal;
  }
}
