package io.sparktrain.model;

import io.sparktrain.config.LayerSpec;
import io.sparktrain.config.ModelConfig;
import io.sparktrain.config.UpdaterSpec;
import io.sparktrain.data.Shape;
import java.util.Map;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.AMSGrad;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nadam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** Builds the DL4J network configuration for a {@link ModelConfig} and the shape of the input. */
public final class ModelFactory {
  private static final Map<String, Activation> ACTIVATIONS = Map.of(
      "relu", Activation.RELU, "leakyrelu", Activation.LEAKYRELU, "tanh", Activation.TANH,
      "sigmoid", Activation.SIGMOID, "elu", Activation.ELU, "selu", Activation.SELU, "gelu", Activation.GELU,
      "swish", Activation.SWISH, "identity", Activation.IDENTITY, "softmax", Activation.SOFTMAX);
  private static final Map<String, WeightInit> WEIGHT_INITS = Map.of(
      "relu", WeightInit.RELU, "xavier", WeightInit.XAVIER, "xavier_uniform", WeightInit.XAVIER_UNIFORM,
      "lecun_normal", WeightInit.LECUN_NORMAL, "normal", WeightInit.NORMAL, "uniform", WeightInit.UNIFORM);

  private ModelFactory() {}

  /**
   * The layout of images inside the network (docs/BENCHMARKS.md, "Engine options", measured both): the
   * flat rows become these 4-d arrays in {@link ImageInput}.
   */
  public static final CNN2DFormat IMAGE_FORMAT = CNN2DFormat.NCHW;

  public static MultiLayerConfiguration build(ModelConfig model, Shape input, int numClasses, long seed) {
    return build(model, input, numClasses, seed, IMAGE_FORMAT);
  }

  /**
   * The first convolution or pooling layer, when only dropout comes before it (the layers that take an
   * image as it comes); else -1.
   */
  private static int firstSpatialLayer(ModelConfig model) {
    for (int i = 0; i < model.layers().size(); i++) {
      String type = model.layers().get(i).type();
      if (type.equals("conv") || type.equals("subsampling")) {
        return i;
      }
      if (!type.equals("dropout")) {
        return -1;
      }
    }
    return -1;
  }

  /** As {@link #build(ModelConfig, Shape, int, long)}, with images inside the network in {@code format}. */
  public static MultiLayerConfiguration build(ModelConfig model, Shape input, int numClasses, long seed,
      CNN2DFormat format) {
    // Layers are created from this configuration in this JVM: their native implementations must be on.
    NativeHelpers.enable();
    NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .updater(updater(model.updater()))
        .activation(ACTIVATIONS.get(model.activation()))
        .weightInit(WEIGHT_INITS.get(model.weightInit()))
        .l2(model.l2())
        .list();
    for (int i = 0; i < model.layers().size(); i++) {
      list.layer(i, layer(model.layers().get(i), numClasses, model));
    }
    int spatial = firstSpatialLayer(model);
    if (input.image() && spatial >= 0) {
      // Rows are channels last; DL4J's own flat-to-image step would read them channels first. (A network
      // that starts with dense layers takes the rows as they are.)
      list.inputPreProcessor(spatial, new ImageInput(input.height(), input.width(), input.channels(), format));
    }
    list.setInputType(switch (input.kind()) {
      case IMAGE -> InputType.convolutionalFlat(input.height(), input.width(), input.channels());
      case FEATURES -> InputType.feedForward(input.size());
      // The length is left open: minibatches of sequences differ in length.
      case SEQUENCE -> InputType.recurrent(input.width(), RNNFormat.NCW);
    });
    // An embedding's nIn is its vocabulary, not the one feature (the token id) of its input: DL4J would
    // overwrite it from the input type. No other layer sets nIn, so the others are not affected.
    if (model.layers().stream().anyMatch(l -> l.type().equals("embedding"))) {
      list.overrideNinUponBuild(false);
    }
    if (model.tbpttLength() > 0) {
      list.backpropType(BackpropType.TruncatedBPTT).tBPTTLength(model.tbpttLength());
    }
    return list.build();
  }

  public static IUpdater updater(UpdaterSpec spec) {
    double lr = spec.learningRate();
    return switch (spec.type()) {
      case "adam" -> new Adam(lr);
      case "nadam" -> new Nadam(lr, Nadam.DEFAULT_NADAM_BETA1_MEAN_DECAY, Nadam.DEFAULT_NADAM_BETA2_VAR_DECAY,
          Nadam.DEFAULT_NADAM_EPSILON);
      case "amsgrad" -> new AMSGrad(lr);
      case "nesterovs" -> new Nesterovs(lr, spec.momentum());
      case "sgd" -> new Sgd(lr);
      case "rmsprop" -> new RmsProp(lr);
      case "adagrad" -> new AdaGrad(lr);
      default -> throw new IllegalArgumentException("unknown updater " + spec.type());
    };
  }

  /** DL4J's mode for a {@code model.gradientNormalization} value other than auto. */
  static GradientNormalization gradientNormalization(String mode) {
    return switch (mode) {
      case "none" -> GradientNormalization.None;
      case "renormalize-l2-per-layer" -> GradientNormalization.RenormalizeL2PerLayer;
      case "renormalize-l2-per-param-type" -> GradientNormalization.RenormalizeL2PerParamType;
      case "clip-element-wise" -> GradientNormalization.ClipElementWiseAbsoluteValue;
      case "clip-l2-per-layer" -> GradientNormalization.ClipL2PerLayer;
      case "clip-l2-per-param-type" -> GradientNormalization.ClipL2PerParamType;
      default -> throw new IllegalArgumentException("unknown gradient normalization " + mode);
    };
  }

  /** Layers with weights that a gradient can explode through, clipped by gradientNormalization = auto. */
  private static final java.util.Set<String> WEIGHTED = java.util.Set.of("dense", "conv", "output", "conv1d",
      "rnnoutput", "embedding");

  /**
   * auto: clip-l2-per-layer on the layers with weights that gradients can explode through (dense, conv,
   * output and their sequence counterparts) at gradientThreshold, and on recurrent layers at the lower
   * recurrent.gradientThreshold; none on batch normalisation, whose two parameters per unit are scaled by
   * the batch statistics.
   */
  private static void applyGradientNormalization(Layer layer, LayerSpec spec, ModelConfig model) {
    if (!(layer instanceof org.deeplearning4j.nn.conf.layers.BaseLayer base)) {
      return;
    }
    String mode = model.gradientNormalization();
    double threshold = model.gradientThreshold();
    boolean recurrent = LayerSpec.RECURRENT.contains(spec.type());
    if (mode.equals("auto")) {
      mode = WEIGHTED.contains(spec.type()) || recurrent ? "clip-l2-per-layer" : "none";
      threshold = recurrent ? model.recurrentGradientThreshold() : threshold;
    }
    base.setGradientNormalization(gradientNormalization(mode));
    base.setGradientNormalizationThreshold(threshold);
  }

  static Layer layer(LayerSpec spec, int numClasses) {
    return layer(spec, numClasses, null);
  }

  /** The DL4J layer for {@code spec}, with the model's gradient normalisation when {@code model} is given. */
  static Layer layer(LayerSpec spec, int numClasses, ModelConfig model) {
    if (spec.type().equals("bidirectional")) {
      LayerSpec inner = new LayerSpec(spec.key(), spec.sequence().wraps(), spec.units(), 0, spec.kernel(),
          spec.stride(), spec.padding(), spec.pooling(), spec.rate(), spec.loss(), spec.activation(),
          spec.weightInit(), spec.sequence());
      return new Bidirectional(Bidirectional.Mode.valueOf(spec.sequence().mode().toUpperCase(java.util.Locale.ROOT)),
          layer(inner, numClasses, model));
    }
    Layer layer = switch (spec.type()) {
      case "dense" -> new DenseLayer.Builder().nOut(spec.units()).build();
      case "conv" -> new ConvolutionLayer.Builder(spec.kernel().get(0), spec.kernel().get(1))
          .stride(spec.stride().get(0), spec.stride().get(1))
          .convolutionMode(spec.padding().equals("same") ? ConvolutionMode.Same : ConvolutionMode.Truncate)
          .nOut(spec.filters()).build();
      case "subsampling" -> new SubsamplingLayer.Builder(spec.pooling().equals("max")
          ? SubsamplingLayer.PoolingType.MAX : SubsamplingLayer.PoolingType.AVG)
          .kernelSize(spec.kernel().get(0), spec.kernel().get(1))
          .stride(spec.stride().get(0), spec.stride().get(1)).build();
      case "batchnorm" -> new BatchNormalization.Builder().build();
      // DL4J takes the probability of keeping a unit; the config says the fraction dropped.
      case "dropout" -> new DropoutLayer.Builder(1.0 - spec.rate()).build();
      case "output" -> new OutputLayer.Builder(loss(spec)).nOut(spec.units() > 0 ? spec.units() : numClasses).build();
      case "lstm" -> recurrentInit(new LSTM.Builder().forgetGateBiasInit(spec.sequence().forgetGateBias()), spec)
          .nOut(spec.units()).dataFormat(RNNFormat.NCW).build();
      case "simplernn" -> recurrentInit(new SimpleRnn.Builder(), spec).nOut(spec.units()).dataFormat(RNNFormat.NCW)
          .build();
      case "lasttimestep" -> new LastStepLayer();
      // The format is set explicitly: left null, DL4J 1.0.0-M2.1's backprop assumes NWC and fails with
      // "Sequence lengths do not match" on NCW data.
      case "rnnoutput" -> new RnnOutputLayer.Builder(loss(spec)).dataFormat(RNNFormat.NCW)
          .nOut(spec.units() > 0 ? spec.units() : numClasses).build();
      case "conv1d" -> new Convolution1DLayer.Builder().kernelSize(spec.kernel().get(0)).stride(spec.stride().get(0))
          .convolutionMode(spec.padding().equals("same") ? ConvolutionMode.Same : ConvolutionMode.Truncate)
          .rnnDataFormat(RNNFormat.NCW).nOut(spec.filters()).build();
      case "subsampling1d" -> new Subsampling1DLayer.Builder(spec.pooling().equals("max")
          ? SubsamplingLayer.PoolingType.MAX : SubsamplingLayer.PoolingType.AVG)
          .kernelSize(spec.kernel().get(0)).stride(spec.stride().get(0))
          .convolutionMode(ConvolutionMode.Same).build();
      case "globalpooling" -> new GlobalPoolingLayer.Builder(spec.pooling().equals("max")
          ? PoolingType.MAX : PoolingType.AVG).build();
      // An embedding is a lookup: no activation unless one is asked for.
      case "embedding" -> new EmbeddingSequenceLayer.Builder().nIn(spec.sequence().vocabulary()).nOut(spec.units())
          .activation(spec.activation().isEmpty() ? Activation.IDENTITY : ACTIVATIONS.get(spec.activation()))
          .inferInputLength(true).outputDataFormat(RNNFormat.NCW).build();
      default -> throw new IllegalArgumentException(spec.key() + ": unknown layer type " + spec.type());
    };
    if (!spec.activation().isEmpty() && layer instanceof org.deeplearning4j.nn.conf.layers.BaseLayer base) {
      base.setActivationFn(ACTIVATIONS.get(spec.activation()).getActivationFunction());
    }
    if (!spec.weightInit().isEmpty() && layer instanceof org.deeplearning4j.nn.conf.layers.BaseLayer base) {
      base.setWeightInitFn(WEIGHT_INITS.get(spec.weightInit()).getWeightInitFunction());
    }
    if (model != null) {
      applyGradientNormalization(layer, spec, model);
    }
    return layer;
  }

  private static LossFunction loss(LayerSpec spec) {
    return spec.loss().equals("mcxent") ? LossFunction.MCXENT : LossFunction.NEGATIVELOGLIKELIHOOD;
  }

  /** recurrentGain > 0: recurrent weights from N(0, gain^2 / units) (gain 1: neither shrinking nor growing at first). */
  private static <B extends BaseRecurrentLayer.Builder<B>> B recurrentInit(B builder, LayerSpec spec) {
    double gain = spec.sequence().recurrentGain();
    if (gain > 0) {
      builder.weightInitRecurrent(new WeightInitDistribution(new NormalDistribution(0, gain / Math.sqrt(spec.units()))));
    }
    return builder;
  }
}
