package io.sparktrain.config;

import java.util.List;

/**
 * The network: its layers in order, layer defaults, regularisation and optimiser.
 *
 * @param tbpttLength truncated backpropagation through time: steps per segment; 0: through the whole sequence
 * @param recurrentGradientThreshold the clipping threshold that {@code gradientNormalization = auto} gives
 *     recurrent layers
 */
public record ModelConfig(List<LayerSpec> layers, String activation, String weightInit, double l2, UpdaterSpec updater,
    String gradientNormalization, double gradientThreshold, int tbpttLength, double recurrentGradientThreshold) {
  public static final List<String> ACTIVATIONS =
      List.of("relu", "leakyrelu", "tanh", "sigmoid", "elu", "selu", "gelu", "swish", "identity", "softmax");
  public static final List<String> WEIGHT_INITS =
      List.of("relu", "xavier", "xavier_uniform", "lecun_normal", "normal", "uniform");

  public static final List<String> GRADIENT_NORMALIZATIONS = List.of("auto", "none", "renormalize-l2-per-layer",
      "renormalize-l2-per-param-type", "clip-element-wise", "clip-l2-per-layer", "clip-l2-per-param-type");

  /** A model with the sequence settings at their defaults. */
  public ModelConfig(List<LayerSpec> layers, String activation, String weightInit, double l2, UpdaterSpec updater,
      String gradientNormalization, double gradientThreshold) {
    this(layers, activation, weightInit, l2, updater, gradientNormalization, gradientThreshold, 0, 1.0);
  }

  public ModelConfig {
    Check.oneOf("model.gradientNormalization", gradientNormalization, GRADIENT_NORMALIZATIONS);
    Check.range("model.gradientThreshold", gradientThreshold, 0, true, 1e9);
    layers = List.copyOf(layers);
    Check.that(!layers.isEmpty(), "model.layers", "is empty; list the layers, or include a stack such as \"models/mlp.conf\"");
    for (int i = 0; i < layers.size() - 1; i++) {
      Check.that(!LayerSpec.OUTPUTS.contains(layers.get(i).type()), layers.get(i).key() + ".type",
          "an output layer must be the last layer, but layer " + i + " of " + layers.size() + " is one");
    }
    LayerSpec last = layers.get(layers.size() - 1);
    Check.that(LayerSpec.OUTPUTS.contains(last.type()), last.key() + ".type",
        "the last layer must be of type output (or rnnoutput for a prediction per time step), found '"
            + last.type() + "'");
    for (int i = 1; i < layers.size(); i++) {
      Check.that(!layers.get(i).type().equals("embedding"), layers.get(i).key() + ".type",
          "an embedding layer takes token ids, so it must be the first layer; it is layer " + i);
    }
    Check.range("model.tbpttLength", tbpttLength, 0, 1_000_000);
    Check.that(tbpttLength == 0 || last.type().equals("rnnoutput"), "model.tbpttLength",
        "truncated backpropagation through time needs a prediction per time step (an rnnoutput last layer); "
            + "set it to 0 for a model that predicts once per sequence");
    Check.range("model.recurrent.gradientThreshold", recurrentGradientThreshold, 0, true, 1e9);
    Check.oneOf("model.activation", activation, ACTIVATIONS);
    Check.oneOf("model.weightInit", weightInit, WEIGHT_INITS);
    Check.range("model.l2", l2, 0, false, 1);
  }

  /** Whether the model takes sequences (it has a sequence layer). */
  public boolean sequential() {
    return layers.stream().anyMatch(l -> LayerSpec.SEQUENCE.contains(l.type()));
  }
}
