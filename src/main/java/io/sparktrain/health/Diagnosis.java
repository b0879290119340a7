package io.sparktrain.health;

import java.util.List;

/**
 * A finding about training, in plain words.
 *
 * @param kind vanishing, exploding, dead-relu or diverged
 * @param layers 1-based layer numbers it concerns (empty for the whole network)
 * @param value the measurement that triggered it (see {@code measure})
 * @param message one line: the layers, what is wrong, and remedies that fit the model as configured
 */
public record Diagnosis(String kind, int epoch, int round, List<Integer> layers, String measure, double value,
    String message) {
  public Diagnosis {
    layers = List.copyOf(layers);
  }
}
