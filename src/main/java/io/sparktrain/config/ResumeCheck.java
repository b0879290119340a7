package io.sparktrain.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Whether a job may continue a run that started with another version of it ({@code train --resume}).
 * Everything that decides what the network learns must be the same; these keys may differ:
 * {@link #SAFE} (e.g. more {@code train.epochs}, other Spark settings or data locations: the data's
 * content is checked separately, by the identity of the split). Secret values are compared masked, so
 * rotated credentials do not stop a resume.
 */
public final class ResumeCheck {
  /** Keys, or prefixes ending in a dot, that may change between a run and its resumption. */
  public static final List<String> SAFE = List.of("name", "output", "train.epochs", "train.workerPrefetchBatches",
      "train.exportDirectory", "checkpoint.", "spark.", "health.", "augment.testTime.", "data.train",
      "data.trainLabels", "data.test", "data.testLabels");

  private ResumeCheck() {}

  /** Whether {@code key} may change on resume. */
  public static boolean safe(String key) {
    return SAFE.stream().anyMatch(s -> s.endsWith(".") ? key.startsWith(s) : key.equals(s));
  }

  /**
   * Every key outside {@link #SAFE} whose value differs, as "key: VALUE_THEN (the run) vs VALUE_NOW".
   *
   * @param started config.resolved.conf of the run (masked)
   * @param now the job as given now
   */
  public static List<String> differences(String started, JobConfig now) {
    // Masked again with today's rules: a run started before a key was known to be secret still compares.
    Config then = ConfigFactory.parseString(ConfigLoader.renderRedacted(ConfigFactory.parseString(started)));
    Config current = ConfigFactory.parseString(ConfigLoader.renderRedacted(now.resolved()));
    TreeSet<String> keys = new TreeSet<>();
    then.entrySet().forEach(e -> keys.add(e.getKey()));
    current.entrySet().forEach(e -> keys.add(e.getKey()));
    List<String> out = new ArrayList<>();
    for (String key : keys) {
      if (safe(key)) {
        continue;
      }
      Object a = value(then, key);
      Object b = value(current, key);
      if (!Objects.equals(a, b)) {
        out.add(key + ": " + render(then, key) + " when the run started, " + render(current, key) + " now");
      }
    }
    return out;
  }

  /** Throws a {@link ConfigException} naming every key that may not change, with both values. */
  public static void check(String started, JobConfig now, String runUri) {
    List<String> diff = differences(started, now);
    if (!diff.isEmpty()) {
      throw new ConfigException(diff.size() == 1 ? diff.get(0).substring(0, diff.get(0).indexOf(':')) : "--resume",
          "the job differs from the one the run in " + runUri + " started with, in " + diff.size()
              + (diff.size() == 1 ? " key that decides" : " keys that decide") + " what it learns: "
              + String.join("; ", diff)
              + ". Resume with the same job (keys that may change: " + String.join(", ", SAFE)
              + "), or train into a new folder");
    }
  }

  private static Object value(Config c, String key) {
    if (!c.hasPathOrNull(key)) {
      return null;
    }
    ConfigValue v = c.getValue(key);
    Object u = v.unwrapped();
    return u instanceof Map || u instanceof List ? u : scalar(u);
  }

  /** A setting as text; numbers in one form, so 0.0001 in a file and "1e-4" in a --set are the same. */
  private static String scalar(Object u) {
    String text = String.valueOf(u);
    try {
      return new java.math.BigDecimal(text.trim()).stripTrailingZeros().toPlainString();
    } catch (NumberFormatException e) {
      return text;
    }
  }

  private static String render(Config c, String key) {
    if (!c.hasPathOrNull(key)) {
      return "(not set)";
    }
    Object u = c.getValue(key).unwrapped();
    String text = u instanceof Map || u instanceof List ? c.getValue(key).render(ConfigRenderOptions.concise())
        : scalar(u);
    return text.length() > 120 ? text.substring(0, 117) + "..." : text;
  }
}
