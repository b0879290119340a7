package io.sparktrain.config;

import java.util.List;

/** Preconditions for config records: each failure names the key, the rule and the value found. */
public final class Check {
  private Check() {}

  public static long range(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ConfigException(key, "must be between " + min + " and " + max + ", found " + value);
    }
    return value;
  }

  public static int range(String key, int value, int min, int max) {
    return (int) range(key, (long) value, min, max);
  }

  /** value in (min, max] when {@code minExclusive}, else in [min, max]. */
  public static double range(String key, double value, double min, boolean minExclusive, double max) {
    boolean low = minExclusive ? value <= min : value < min;
    if (Double.isNaN(value) || low || value > max) {
      String range = (minExclusive ? "(" : "[") + fmt(min) + ", " + fmt(max) + "]";
      throw new ConfigException(key, "must be in " + range + ", found " + fmt(value));
    }
    return value;
  }

  public static String oneOf(String key, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw new ConfigException(key, "must be one of " + String.join(", ", allowed) + ", found '" + value + "'");
    }
    return value;
  }

  /** The constant of {@code type} whose lower-case name is {@code value}; fails naming the key and the values allowed. */
  public static <E extends Enum<E>> E named(Class<E> type, String key, String value) {
    for (E e : type.getEnumConstants()) {
      if (e.name().toLowerCase(java.util.Locale.ROOT).equals(value)) {
        return e;
      }
    }
    List<String> allowed = java.util.Arrays.stream(type.getEnumConstants())
        .map(e -> e.name().toLowerCase(java.util.Locale.ROOT)).toList();
    throw new ConfigException(key, "must be one of " + String.join(", ", allowed) + ", found '" + value + "'");
  }

  public static String notBlank(String key, String value, String what) {
    if (value == null || value.isBlank()) {
      throw new ConfigException(key, "is empty; expected " + what);
    }
    return value;
  }

  public static void that(boolean condition, String key, String message) {
    if (!condition) {
      throw new ConfigException(key, message);
    }
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
  }
}
