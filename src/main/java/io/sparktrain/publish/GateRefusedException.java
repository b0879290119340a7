package io.sparktrain.publish;

/** The quality gate refused a model; the message says which rule and by how much. */
public final class GateRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GateRefusedException(String message) {
    super(message);
  }
}
