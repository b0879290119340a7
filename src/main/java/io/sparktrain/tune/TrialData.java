package io.sparktrain.tune;

import io.sparktrain.data.Example;
import io.sparktrain.data.Shape;
import java.io.Serializable;
import java.util.List;

/**
 * The training and validation splits of a search, broadcast once to every executor: each trial in
 * {@code tune.placement = executor} trains on its own executor from this copy.
 *
 * @param featureStd each feature's standard deviation over the training split (for jitter), or null
 */
public record TrialData(List<Example> train, List<Example> validation, Shape shape, int numClasses,
    List<String> classNames, double[] featureStd) implements Serializable {
  public TrialData {
    train = List.copyOf(train);
    validation = List.copyOf(validation);
    classNames = List.copyOf(classNames);
  }
}
