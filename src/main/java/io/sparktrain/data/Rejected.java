package io.sparktrain.data;

import java.util.Map;

/**
 * The records of one source that were rejected and quarantined.
 *
 * @param source the source's URI
 * @param records how many records the source held, good and bad
 * @param byReason rejected records per reason
 * @param quarantine where the rejected records were written (JSON lines with location and reason), or empty
 */
public record Rejected(String source, long records, Map<String, Long> byReason, String quarantine) {
  public Rejected {
    byReason = Map.copyOf(byReason);
  }

  public long total() {
    return byReason.values().stream().mapToLong(Long::longValue).sum();
  }
}
