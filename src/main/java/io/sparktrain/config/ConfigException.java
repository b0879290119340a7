package io.sparktrain.config;

/** A configuration key has a value that is not allowed; the message names the key, the value and the rule. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String key;

  public ConfigException(String key, String message) {
    super(key + ": " + message);
    this.key = key;
  }

  public ConfigException(String key, String message, Throwable cause) {
    super(key + ": " + message, cause);
    this.key = key;
  }

  /** The configuration key at fault, e.g. {@code train.epochs}. */
  public String key() {
    return key;
  }
}
