package io.sparktrain.data;

import java.util.Locale;

/**
 * What the train, validation and test splits hold, in a few numbers: per split the number of examples
 * and the sum (modulo 2^64) of their identities ({@link StableSplit#id}). The sum does not depend on
 * order or partitioning, so the same data give the same identity on any cluster, and a resumed run can
 * tell that it trains on the data the run started with.
 */
public record SplitIdentity(long train, long trainSum, long validation, long validationSum, long test, long testSum) {
  /** Counts and identity sums of one split. */
  public record Part(long count, long sum) {}

  public static SplitIdentity of(Part train, Part validation, Part test) {
    return new SplitIdentity(train.count(), train.sum(), validation.count(), validation.sum(), test.count(),
        test.sum());
  }

  /** "6000 train (a1b2c3d4e5f60718), 612 validation (...), 1000 test (...)" for messages. */
  public String describe() {
    return String.format(Locale.ROOT, "%d train (%016x), %d validation (%016x), %d test (%016x)", train, trainSum,
        validation, validationSum, test, testSum);
  }
}
