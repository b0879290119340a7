package io.sparktrain.data;

/** Input data is missing, unreadable or malformed; the message names the file and, where known, the record. */
public final class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
