package io.sparktrain.config;

import java.util.List;

/**
 * A task made on the fly ({@code data.format = generated}), for demonstrations and tests that need a
 * known answer and a length that can be turned up.
 *
 * @param task {@code recall}: a sequence of random symbols (one-hot), labelled with its first symbol,
 *     which the network must carry through all the steps after it (a delayed-recall task in the manner of
 *     Hochreiter and Schmidhuber 1997); chance is 1 / symbols
 * @param length time steps per sequence
 * @param symbols the symbols (and classes)
 * @param train sequences in the training data (the validation split is taken from them)
 * @param test sequences in the test set (drawn separately)
 */
public record GeneratedOptions(Task task, int length, int symbols, int train, int test)
    implements java.io.Serializable {

  /** The generated tasks. */
  public enum Task {
    RECALL;

    static Task of(String value) {
      return valueOf(Check.oneOf("data.generated.task", value, List.of("recall"))
          .toUpperCase(java.util.Locale.ROOT));
    }
  }

  public GeneratedOptions {
    Check.range("data.generated.length", length, 1, 1_000_000);
    Check.range("data.generated.symbols", symbols, 2, 1000);
    Check.range("data.generated.train", train, 10, 100_000_000);
    Check.range("data.generated.test", test, 1, 100_000_000);
  }

  static GeneratedOptions read(ConfigReader r) {
    return new GeneratedOptions(Task.of(r.string("task").toLowerCase(java.util.Locale.ROOT)), r.intValue("length"),
        r.intValue("symbols"), r.intValue("train"), r.intValue("test"));
  }
}
