package io.sparktrain.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.config.LayerSpec;
import io.sparktrain.config.UpdaterSpec;
import io.sparktrain.data.Shape;
import java.io.File;
import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

class ModelFactoryTest {
  private static JobConfig job(String file, String... overrides) {
    return ConfigLoader.load(new File("conf", file), List.of(overrides));
  }

  private static LayerSpec spec(String type) {
    return new LayerSpec("model.layers[0]", type, 8, 4, List.of(3, 3), List.of(1, 1), "same", "avg", 0.25,
        "mcxent", "", "");
  }

  private static org.deeplearning4j.nn.conf.layers.BaseLayer layerOf(MultiLayerConfiguration conf, int i) {
    return (org.deeplearning4j.nn.conf.layers.BaseLayer) conf.getConf(i).getLayer();
  }

  @Test
  void gradientNormalization_auto_clipsWeightedLayersOnly() {
    JobConfig job = job("diagnostics/deep-relu.conf");
    MultiLayerConfiguration conf = ModelFactory.build(job.model(), Shape.features(784), 10, 1);
    // dense, batchnorm, dense, batchnorm, ..., output (layer 20)
    assertThat(layerOf(conf, 0).getGradientNormalization())
        .isEqualTo(org.deeplearning4j.nn.conf.GradientNormalization.ClipL2PerLayer);
    assertThat(layerOf(conf, 0).getGradientNormalizationThreshold()).isEqualTo(10.0);
    assertThat(layerOf(conf, 1).getGradientNormalization())
        .isEqualTo(org.deeplearning4j.nn.conf.GradientNormalization.None);
    assertThat(layerOf(conf, 20).getGradientNormalization())
        .isEqualTo(org.deeplearning4j.nn.conf.GradientNormalization.ClipL2PerLayer);
  }

  @Test
  void gradientNormalization_explicitMode_appliesToEveryLayerWithParameters() {
    JobConfig job = job("diagnostics/deep-relu.conf", "model.gradientNormalization=clip-element-wise",
        "model.gradientThreshold=0.5");
    MultiLayerConfiguration conf = ModelFactory.build(job.model(), Shape.features(784), 10, 1);
    for (int i : new int[] {0, 1, 2, 20}) {
      assertThat(layerOf(conf, i).getGradientNormalization())
          .isEqualTo(org.deeplearning4j.nn.conf.GradientNormalization.ClipElementWiseAbsoluteValue);
      assertThat(layerOf(conf, i).getGradientNormalizationThreshold()).isEqualTo(0.5);
    }
  }

  @Test
  void layer_dense_hasUnits() {
    DenseLayer layer = (DenseLayer) ModelFactory.layer(spec("dense"), 10);
    assertThat(layer.getNOut()).isEqualTo(8);
  }

  @Test
  void layer_conv_hasFiltersKernelAndPadding() {
    ConvolutionLayer layer = (ConvolutionLayer) ModelFactory.layer(spec("conv"), 10);
    assertThat(layer.getNOut()).isEqualTo(4);
    assertThat(layer.getKernelSize()).containsExactly(3, 3);
    assertThat(layer.getConvolutionMode()).isEqualTo(ConvolutionMode.Same);
  }

  @Test
  void layer_subsampling_hasPooling() {
    SubsamplingLayer layer = (SubsamplingLayer) ModelFactory.layer(spec("subsampling"), 10);
    assertThat(layer.getPoolingType()).isEqualTo(SubsamplingLayer.PoolingType.AVG.toPoolingType());
    assertThat(layer.getKernelSize()).containsExactly(3, 3);
  }

  @Test
  void layer_batchnorm_builds() {
    assertThat(ModelFactory.layer(spec("batchnorm"), 10)).isInstanceOf(BatchNormalization.class);
  }

  @Test
  void layer_dropout_keepsOneMinusRate() {
    DropoutLayer layer = (DropoutLayer) ModelFactory.layer(spec("dropout"), 10);
    assertThat(layer.getIDropout().toString()).contains("0.75");
  }

  @Test
  void layer_output_defaultsToNumClasses() {
    LayerSpec output = new LayerSpec("model.layers[1]", "output", 0, 0, List.of(3, 3), List.of(1, 1), "same", "max",
        0.5, "mcxent", "softmax", "xavier");
    OutputLayer layer = (OutputLayer) ModelFactory.layer(output, 7);
    assertThat(layer.getNOut()).isEqualTo(7);
    assertThat(layer.getLossFn()).isInstanceOf(LossMCXENT.class);
    assertThat(layer.getActivationFn()).isInstanceOf(ActivationSoftmax.class);
    assertThat(layer.getWeightInitFn()).isInstanceOf(WeightInitXavier.class);
  }

  @Test
  void layer_ownActivation_overridesDefault() {
    LayerSpec dense = new LayerSpec("model.layers[0]", "dense", 5, 0, List.of(3, 3), List.of(1, 1), "same", "max",
        0.5, "mcxent", "sigmoid", "");
    DenseLayer layer = (DenseLayer) ModelFactory.layer(dense, 2);
    assertThat(layer.getActivationFn()).isInstanceOf(ActivationSigmoid.class);
  }

  @Test
  void build_sampleCnn_givesTenClassProbabilitiesFor28x28Images() {
    JobConfig job = job("fashion-mnist-sample.conf");
    MultiLayerConfiguration conf = ModelFactory.build(job.model(), Shape.image(28, 28, 1), 10, 1);
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    INDArray out = net.output(Nd4j.rand(3, 784));
    assertThat(out.shape()).containsExactly(3, 10);
    assertThat(out.sum(1).getDouble(0)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(conf.getConf(0).getLayer()).isInstanceOf(ConvolutionLayer.class);
  }

  @Test
  void build_mlpInclude_onFeatures() throws java.io.IOException {
    // The shipped MLP stack, included as a user would include it (relative to the job file).
    java.nio.file.Path jobFile = java.nio.file.Path.of("target", "mlp-job.conf");
    java.nio.file.Files.writeString(jobFile, "include \"../conf/breast-cancer-csv.conf\"\n"
        + "model { layers = null, include \"../conf/models/mlp.conf\" }\n");
    JobConfig mlp = ConfigLoader.load(jobFile.toFile(), List.of());
    MultiLayerNetwork net = new MultiLayerNetwork(ModelFactory.build(mlp.model(), Shape.features(30), 2, 1));
    net.init();
    assertThat(net.getnLayers()).isEqualTo(7);
    assertThat(net.output(Nd4j.rand(2, 30)).shape()).containsExactly(2, 2);
  }

  @Test
  void build_sameSeed_sameInitialWeights() {
    JobConfig job = job("breast-cancer-csv.conf");
    MultiLayerNetwork a = new MultiLayerNetwork(ModelFactory.build(job.model(), Shape.features(30), 2, 7));
    MultiLayerNetwork b = new MultiLayerNetwork(ModelFactory.build(job.model(), Shape.features(30), 2, 7));
    a.init();
    b.init();
    assertThat(a.params().equalsWithEps(b.params(), 0)).isTrue();
  }

  @Test
  void updater_types_mapToDl4j() {
    assertThat(ModelFactory.updater(new UpdaterSpec("adam", 0.01, 0.9))).isInstanceOf(Adam.class);
    Nesterovs n = (Nesterovs) ModelFactory.updater(new UpdaterSpec("nesterovs", 0.05, 0.8));
    assertThat(n.getLearningRate()).isEqualTo(0.05);
    assertThat(n.getMomentum()).isEqualTo(0.8);
    for (String type : UpdaterSpec.TYPES) {
      assertThat(ModelFactory.updater(new UpdaterSpec(type, 0.01, 0.9))).isNotNull();
    }
  }
}
