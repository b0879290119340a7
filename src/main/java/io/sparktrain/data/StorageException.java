package io.sparktrain.data;

/**
 * An output location could not be written or read back: the run directory's disk is full, the object
 * store stopped answering, permissions changed. The message names the path and the cause in one line;
 * whatever was written completely before (checkpoints, files) is left as it was (exit code 7).
 */
public final class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  /** "PATH: cannot write (No space left on device)", with the innermost cause's message. */
  public static StorageException writing(Object path, Throwable cause) {
    return new StorageException(path + ": cannot write (" + rootMessage(cause) + ")", cause);
  }

  public static StorageException reading(Object path, Throwable cause) {
    return new StorageException(path + ": cannot read (" + rootMessage(cause) + ")", cause);
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return m.lines().findFirst().orElse(m).trim();
  }
}
