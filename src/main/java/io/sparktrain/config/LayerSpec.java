package io.sparktrain.config;

import java.util.List;

/**
 * One layer of the model as configured. Which fields matter depends on {@code type}; the others keep
 * their defaults. {@code activation} and {@code weightInit} are empty when the model-wide default applies.
 *
 * @param key the config key of this layer, e.g. {@code model.layers[2]}, for messages
 * @param sequence the keys of the sequence layers (recurrent, bidirectional, embedding)
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
    String weightInit,
    SequenceKeys sequence) {

  public static final List<String> TYPES = List.of("dense", "conv", "subsampling", "batchnorm", "dropout", "output",
      "lstm", "simplernn", "bidirectional", "lasttimestep", "rnnoutput", "conv1d", "subsampling1d", "embedding",
      "globalpooling");
  /** Layers whose weights are applied at every time step: a gradient is multiplied through the whole sequence. */
  public static final List<String> RECURRENT = List.of("lstm", "simplernn", "bidirectional");
  /** Layers that take or give sequences: a model with one of them needs sequence data, and the other way round. */
  public static final List<String> SEQUENCE = List.of("lstm", "simplernn", "bidirectional", "lasttimestep",
      "rnnoutput", "conv1d", "subsampling1d", "embedding", "globalpooling");
  /** Layers that end a network. */
  public static final List<String> OUTPUTS = List.of("output", "rnnoutput");
  public static final List<String> PADDINGS = List.of("same", "truncate");
  public static final List<String> POOLINGS = List.of("max", "avg");
  public static final List<String> LOSSES = List.of("mcxent", "negativeloglikelihood");
  public static final List<String> WRAPPABLE = List.of("lstm", "simplernn");
  public static final List<String> MODES = List.of("concat", "add", "mul", "average");

  /**
   * @param wraps bidirectional: the recurrent layer run forwards and backwards, lstm or simplernn
   * @param mode bidirectional: how the two directions' outputs are combined (concat, add, mul, average)
   * @param forgetGateBias lstm: the initial bias of the forget gate (a higher one remembers longer at first)
   * @param recurrentGain lstm, simplernn: recurrent weights drawn from N(0, gain^2 / units); 0: the layer's weightInit
   * @param vocabulary embedding: the number of token ids, [0, vocabulary)
   */
  public record SequenceKeys(String wraps, String mode, double forgetGateBias, double recurrentGain, int vocabulary) {
    public static final SequenceKeys DEFAULTS = new SequenceKeys("lstm", "concat", 1.0, 0.0, 0);
  }

  /** A layer without sequence keys. */
  public LayerSpec(String key, String type, int units, int filters, List<Integer> kernel, List<Integer> stride,
      String padding, String pooling, double rate, String loss, String activation, String weightInit) {
    this(key, type, units, filters, kernel, stride, padding, pooling, rate, loss, activation, weightInit,
        SequenceKeys.DEFAULTS);
  }

  public LayerSpec {
    Check.oneOf(key + ".type", type, TYPES);
    kernel = List.copyOf(kernel);
    stride = List.copyOf(stride);
    switch (type) {
      case "dense", "lstm", "simplernn" -> Check.range(key + ".units", units, 1, 1_000_000);
      case "conv", "conv1d" -> {
        Check.range(key + ".filters", filters, 1, 100_000);
        Check.oneOf(key + ".padding", padding, PADDINGS);
      }
      case "subsampling", "subsampling1d", "globalpooling" -> Check.oneOf(key + ".pooling", pooling, POOLINGS);
      case "dropout" -> Check.range(key + ".rate", rate, 0, false, 0.99);
      case "output", "rnnoutput" -> {
        Check.range(key + ".units", units, 0, 1_000_000);
        Check.oneOf(key + ".loss", loss, LOSSES);
      }
      case "bidirectional" -> {
        Check.range(key + ".units", units, 1, 1_000_000);
        Check.oneOf(key + ".wraps", sequence.wraps(), WRAPPABLE);
        Check.oneOf(key + ".mode", sequence.mode(), MODES);
      }
      case "embedding" -> {
        Check.range(key + ".units", units, 1, 1_000_000);
        Check.range(key + ".vocabulary", sequence.vocabulary(), 1, 100_000_000);
      }
      default -> { }
    }
    if (RECURRENT.contains(type)) {
      Check.range(key + ".forgetGateBias", sequence.forgetGateBias(), -100, false, 100);
      Check.range(key + ".recurrentGain", sequence.recurrentGain(), 0, false, 100);
    }
    if (!activation.isEmpty()) {
      Check.oneOf(key + ".activation", activation, ModelConfig.ACTIVATIONS);
    }
    if (!weightInit.isEmpty()) {
      Check.oneOf(key + ".weightInit", weightInit, ModelConfig.WEIGHT_INITS);
    }
  }
}
