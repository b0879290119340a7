package io.sparktrain.data;

import java.io.Serializable;

/**
 * A record read for scoring: the values that identify it in the input (an id column, the file path of
 * an image, the index of an IDX record) and its parsed example, whose label is -1 when the input has
 * none for it.
 *
 * @param keys the identifying values, in the order of {@link ScoringInput.Read#keys()}
 */
public record Keyed(Object[] keys, Parsed parsed) implements Screened, Serializable {
  private static final long serialVersionUID = 1L;

  /** The label that means "the input does not say". */
  public static final int UNLABELLED = -1;

  public Example example() {
    return parsed.example();
  }

  @Override
  public boolean isOk() {
    return parsed.isOk();
  }

  @Override
  public String reason() {
    return parsed.reason();
  }

  @Override
  public String location() {
    return parsed.location();
  }
}
