package io.sparktrain.config;

import java.util.List;

/** The network: its layers in order, layer defaults, regularisation and optimiser. */
public record ModelConfig(List<LayerSpec> layers, String activation, String weightInit, double l2, UpdaterSpec updater,
    String gradientNormalization, double gradientThreshold) {
  public static final List<String> ACTIVATIONS =
      List.of("relu", "leakyrelu", "tanh", "sigmoid", "elu", "selu", "gelu", "swish", "identity", "softmax");
  public static final List<String> WEIGHT_INITS =
      List.of("relu", "xavier", "xavier_uniform", "lecun_normal", "normal", "uniform");

  public static final List<String> GRADIENT_NORMALIZATIONS = List.of("auto", "none", "renormalize-l2-per-layer",
      "renormalize-l2-per-param-type", "clip-element-wise", "clip-l2-per-layer", "clip-l2-per-param-type");

  public ModelConfig {
    Check.oneOf("model.gradientNormalization", gradientNormalization, GRADIENT_NORMALIZATIONS);
    Check.range("model.gradientThreshold", gradientThreshold, 0, true, 1e9);
    layers = List.copyOf(layers);
    Check.that(!layers.isEmpty(), "model.layers", "is empty; list the layers, or include a stack such as \"models/mlp.conf\"");
    for (int i = 0; i < layers.size() - 1; i++) {
      Check.that(!layers.get(i).type().equals("output"), layers.get(i).key() + ".type",
          "an output layer must be the last layer, but layer " + i + " of " + layers.size() + " is one");
    }
    LayerSpec last = layers.get(layers.size() - 1);
    Check.that(last.type().equals("output"), last.key() + ".type",
        "the last layer must be of type output, found '" + last.type() + "'");
    Check.oneOf("model.activation", activation, ACTIVATIONS);
    Check.oneOf("model.weightInit", weightInit, WEIGHT_INITS);
    Check.range("model.l2", l2, 0, false, 1);
  }
}
