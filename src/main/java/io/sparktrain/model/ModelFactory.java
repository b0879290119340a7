package io.sparktrain.model;

import io.sparktrain.config.LayerSpec;
import io.sparktrain.config.ModelConfig;
import io.sparktrain.config.UpdaterSpec;
import io.sparktrain.data.Shape;
import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
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

  public static MultiLayerConfiguration build(ModelConfig model, Shape input, int numClasses, long seed) {
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
      Layer layer = layer(model.layers().get(i), numClasses);
      applyGradientNormalization(layer, model.layers().get(i), model);
      list.layer(i, layer);
    }
    list.setInputType(input.image()
        ? InputType.convolutionalFlat(input.height(), input.width(), input.channels())
        : InputType.feedForward(input.size()));
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

  /**
   * auto: clip-l2-per-layer on the layers with weights that gradients can explode through (dense, conv,
   * output); none on batch normalisation, whose two parameters per unit are scaled by the batch statistics.
   */
  private static void applyGradientNormalization(Layer layer, LayerSpec spec, ModelConfig model) {
    if (!(layer instanceof org.deeplearning4j.nn.conf.layers.BaseLayer base)) {
      return;
    }
    String mode = model.gradientNormalization();
    if (mode.equals("auto")) {
      boolean weighted = spec.type().equals("dense") || spec.type().equals("conv") || spec.type().equals("output");
      mode = weighted ? "clip-l2-per-layer" : "none";
    }
    base.setGradientNormalization(gradientNormalization(mode));
    base.setGradientNormalizationThreshold(model.gradientThreshold());
  }

  static Layer layer(LayerSpec spec, int numClasses) {
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
      case "output" -> new OutputLayer.Builder(spec.loss().equals("mcxent")
          ? LossFunction.MCXENT : LossFunction.NEGATIVELOGLIKELIHOOD)
          .nOut(spec.units() > 0 ? spec.units() : numClasses).build();
      default -> throw new IllegalArgumentException(spec.key() + ": unknown layer type " + spec.type());
    };
    if (!spec.activation().isEmpty() && layer instanceof org.deeplearning4j.nn.conf.layers.BaseLayer base) {
      base.setActivationFn(ACTIVATIONS.get(spec.activation()).getActivationFunction());
    }
    if (!spec.weightInit().isEmpty() && layer instanceof org.deeplearning4j.nn.conf.layers.BaseLayer base) {
      base.setWeightInitFn(WEIGHT_INITS.get(spec.weightInit()).getWeightInitFunction());
    }
    return layer;
  }
}
