package io.sparktrain.data;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * Bad records are never silently dropped: each source's rejected records are counted per reason on the
 * executors and written to {@code <quarantine>/<name>/} (JSON lines: location and reason; written under
 * a temporary name, then renamed). Above {@code data.maxRejectedFraction} of a source the run stops
 * (exit code 3) naming the commonest reason and an example location.
 */
final class Quarantine {
  private final String folder;
  private final double maxFraction;
  private final Configuration hadoop;
  private final List<Rejected> sink;

  Quarantine(String folder, double maxFraction, Configuration hadoop, List<Rejected> sink) {
    this.folder = folder;
    this.maxFraction = maxFraction;
    this.hadoop = hadoop;
    this.sink = sink;
  }

  JavaRDD<Example> accepted(String uri, String name, JavaRDD<Parsed> records) {
    return kept(uri, name, records).map(Parsed::example);
  }

  /** The accepted records of a source, of any kind the quarantine can judge; the rejected ones handled as above. */
  <T extends Screened> JavaRDD<T> kept(String uri, String name, JavaRDD<T> records) {
    JavaRDD<T> cached = records.persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<T> rejected = cached.filter(p -> !p.isOk());
    Map<String, Long> reasons;
    try {
      // The first pass over the source: where a file breaks a reader's limit (a CSV cell, a row's cells).
      reasons = rejected.map(p -> p.reason()).countByValue();
    } catch (Exception e) {
      // Spark's job failure (a checked SparkException, thrown from Scala) or any other.
      DataException limit = CsvSource.limitBroken(e, uri);
      if (limit != null) {
        throw limit;
      }
      throw Quarantine.<RuntimeException>unchanged(e);
    }
    if (reasons.isEmpty()) {
      return cached;
    }
    long total = cached.count();
    long bad = reasons.values().stream().mapToLong(Long::longValue).sum();
    String written = folder == null ? "" : write(rejected, name);
    Map<String, Long> sorted = new LinkedHashMap<>();
    reasons.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    String commonest = sorted.keySet().iterator().next();
    String counts = sorted.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
        .collect(Collectors.joining(", "));
    double fraction = bad / (double) total;
    if (fraction > maxFraction) {
      String example = rejected.filter(p -> p.reason().equals(commonest)).first().location();
      cached.unpersist(false);
      throw new DataException(String.format(Locale.ROOT, "%s: %d of %d records are bad (%s)%s; e.g. %s%s", uri, bad,
          total, counts, maxFraction > 0 ? String.format(Locale.ROOT, ", %.2f%%, above data.maxRejectedFraction = %s",
              100 * fraction, maxFraction) : "", example, written.isEmpty() ? "" : "; all of them are in " + written));
    }
    sink.add(new Rejected(uri, total, sorted, written));
    return cached.filter(p -> p.isOk());
  }

  /** Rethrows {@code e} as it is, checked or not. */
  @SuppressWarnings("unchecked")
  private static <E extends Exception> E unchanged(Exception e) throws E {
    throw (E) e;
  }

  /** The rejected records as JSON lines under {@code <folder>/<name>}, renamed into place when complete. */
  private <T extends Screened> String write(JavaRDD<T> rejected, String name) {
    Path target = new Path(folder, name);
    Path temp = new Path(folder, "." + name + ".tmp-" + UUID.randomUUID());
    rejected.map(p -> "{\"reason\":" + quote(p.reason()) + ",\"location\":"
        + quote(io.sparktrain.config.Redaction.text(p.location())) + "}")
        .coalesce(1).saveAsTextFile(temp.toString());
    try {
      FileSystem fs = target.getFileSystem(hadoop);
      if (fs.exists(target)) {
        fs.delete(target, true);
      }
      if (!fs.rename(temp, target)) {
        throw new DataException(target + ": cannot move the rejected records into place from " + temp);
      }
      return target.toString();
    } catch (IOException e) {
      throw new DataException(target + ": cannot write the rejected records: " + e.getMessage(), e);
    }
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
