package io.sparktrain.preflight;

import java.util.Locale;

/** The one-line result of one preflight check. */
public record Verdict(String check, Status status, String message) {
  /** How a check ended; only FAIL makes doctor exit with code 6. */
  public enum Status { OK, WARN, FAIL, SKIP }

  public static Verdict ok(String check, String message) {
    return new Verdict(check, Status.OK, message);
  }

  public static Verdict warn(String check, String message) {
    return new Verdict(check, Status.WARN, message);
  }

  public static Verdict fail(String check, String message) {
    return new Verdict(check, Status.FAIL, message);
  }

  public static Verdict skip(String check, String message) {
    return new Verdict(check, Status.SKIP, message);
  }

  public String line() {
    return String.format(Locale.ROOT, "%-5s %-12s %s", status, check, message);
  }
}
