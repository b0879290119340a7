package io.sparktrain.data;

import java.io.Serializable;

/** The outcome of parsing one record: an {@link Example}, or the reason it was rejected and where it came from. */
public record Parsed(Example example, String reason, String location) implements Screened, Serializable {
  public static Parsed ok(Example example) {
    return new Parsed(example, null, null);
  }

  public static Parsed rejected(String reason, String location) {
    return new Parsed(null, reason, location);
  }

  @Override
  public boolean isOk() {
    return example != null;
  }
}
