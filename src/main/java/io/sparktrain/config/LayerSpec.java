package io.sparktrain.config;

import java.util.List;

/**
 * One layer of the model as configured. Which fields matter depends on {@code type}; the others keep
 * their defaults. {@code activation} and {@code weightInit} are empty when the model-wide default applies.
 *
 * @param key the config key of this layer, e.g. {@code model.layers[2]}, for messages
 */
public record LayerSpec(
    String key,
    String type,
    int units,
    int filters,
    List<Integer> kernel,
    List<Integer> stride,
    String padding,
    String pooling,
    double rate,
    String loss,
    String activation,
    String weightInit) {

  public static final List<String> TYPES = List.of("dense", "conv", "subsampling", "batchnorm", "dropout", "output");
  public static final List<String> PADDINGS = List.of("same", "truncate");
  public static final List<String> POOLINGS = List.of("max", "avg");
  public static final List<String> LOSSES = List.of("mcxent", "negativeloglikelihood");

  public LayerSpec {
    Check.oneOf(key + ".type", type, TYPES);
    kernel = List.copyOf(kernel);
    stride = List.copyOf(stride);
    switch (type) {
      case "dense" -> Check.range(key + ".units", units, 1, 1_000_000);
      case "conv" -> {
        Check.range(key + ".filters", filters, 1, 100_000);
        Check.oneOf(key + ".padding", padding, PADDINGS);
      }
      case "subsampling" -> Check.oneOf(key + ".pooling", pooling, POOLINGS);
      case "dropout" -> Check.range(key + ".rate", rate, 0, false, 0.99);
      case "output" -> {
        Check.range(key + ".units", units, 0, 1_000_000);
        Check.oneOf(key + ".loss", loss, LOSSES);
      }
      default -> { }
    }
    if (!activation.isEmpty()) {
      Check.oneOf(key + ".activation", activation, ModelConfig.ACTIVATIONS);
    }
    if (!weightInit.isEmpty()) {
      Check.oneOf(key + ".weightInit", weightInit, ModelConfig.WEIGHT_INITS);
    }
  }
}
