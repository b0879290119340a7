package io.sparktrain.config;

import java.util.List;

/**
 * How sequences are read ({@code data.sequence}): CSV in long form, one row per time step
 * ({@code sequence-csv}); one file per sequence ({@code sequence-files}); Parquet, one row per sequence with
 * array columns ({@code sequence-parquet}). id and step are long form's; label names the label column of
 * long form and Parquet; features the feature columns of both.
 *
 * @param id the column naming the sequence a row belongs to
 * @param step the column with the row's time step (integers; each sequence's steps must run 0, 1, 2, ...
 *     or 1, 2, 3, ... without a gap, in the order of the file)
 * @param label the label column
 * @param features feature columns in order; empty: every other column
 * @param labels whether there is one label per sequence (every row of a sequence must carry the same) or
 *     one per time step
 * @param maxLength the longest sequence kept; 0: no limit
 * @param tooLong what happens to a longer sequence: quarantined, or truncated to its first maxLength steps
 * @param skipLines for {@code sequence-files}: lines skipped at the start of every file (a header)
 */
public record SequenceOptions(String id, String step, String label, List<String> features, Labels labels,
    int maxLength, TooLong tooLong, int skipLines) implements java.io.Serializable {

  /** One label per sequence, or one per time step. */
  public enum Labels {
    SEQUENCE, STEP;

    static Labels of(String value) {
      return valueOf(Check.oneOf("data.sequence.labels", value, List.of("sequence", "step"))
          .toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** What happens to a sequence longer than maxLength. */
  public enum TooLong {
    QUARANTINE, TRUNCATE;

    static TooLong of(String value) {
      return valueOf(Check.oneOf("data.sequence.tooLong", value, List.of("quarantine", "truncate"))
          .toUpperCase(java.util.Locale.ROOT));
    }
  }

  public SequenceOptions {
    features = List.copyOf(features);
    Check.notBlank("data.sequence.id", id, "the column that names each row's sequence");
    Check.notBlank("data.sequence.step", step, "the column with each row's time step");
    Check.notBlank("data.sequence.label", label, "the label column");
    Check.range("data.sequence.maxLength", maxLength, 0, 10_000_000);
    Check.range("data.sequence.skipLines", skipLines, 0, 1_000_000);
  }

  /** Options for long-form CSV, skipping no lines. */
  public SequenceOptions(String id, String step, String label, List<String> features, Labels labels, int maxLength,
      TooLong tooLong) {
    this(id, step, label, features, labels, maxLength, tooLong, 0);
  }

  static SequenceOptions read(ConfigReader r) {
    return new SequenceOptions(r.string("id"), r.string("step"), r.string("label"), r.stringList("features"),
        Labels.of(r.string("labels").toLowerCase(java.util.Locale.ROOT)), r.intValue("maxLength"),
        TooLong.of(r.string("tooLong").toLowerCase(java.util.Locale.ROOT)), r.intValue("skipLines"));
  }
}
