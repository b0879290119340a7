package io.sparktrain.preflight;

import java.util.Locale;

/** Memory sizes as Spark and JavaCPP write them ("4g", "4096m", "4G", plain bytes). */
final class Memory {
  private Memory() {}

  /** Bytes of a size; a bare number is taken in {@code bareUnit} bytes (1 for JavaCPP, 1 MiB for Spark). */
  static long bytes(String text, long bareUnit) {
    String v = text.trim().toLowerCase(Locale.ROOT);
    long unit = bareUnit;
    if (v.endsWith("b")) {
      v = v.substring(0, v.length() - 1);
      unit = 1;
    }
    char last = v.isEmpty() ? '?' : v.charAt(v.length() - 1);
    switch (last) {
      case 'k' -> unit = 1L << 10;
      case 'm' -> unit = 1L << 20;
      case 'g' -> unit = 1L << 30;
      case 't' -> unit = 1L << 40;
      default -> { }
    }
    String digits = Character.isDigit(last) ? v : v.substring(0, v.length() - 1);
    try {
      return Long.parseLong(digits) * unit;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a memory size: '" + text + "'", e);
    }
  }

  static String human(long bytes) {
    return bytes >= (1L << 30) ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
        : String.format(Locale.ROOT, "%d MiB", bytes >> 20);
  }
}
