package io.sparktrain.config;

import java.util.List;

/** The optimiser and its learning rate. */
public record UpdaterSpec(String type, double learningRate, double momentum) {
  public static final List<String> TYPES = List.of("adam", "nadam", "amsgrad", "nesterovs", "sgd", "rmsprop", "adagrad");

  public UpdaterSpec {
    Check.oneOf("model.updater.type", type, TYPES);
    Check.range("model.updater.learningRate", learningRate, 0, true, 10);
    Check.range("model.updater.momentum", momentum, 0, false, 0.999);
  }
}
