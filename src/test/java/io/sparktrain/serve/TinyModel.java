package io.sparktrain.serve;

import io.sparktrain.data.FeatureScaler;
import io.sparktrain.report.schema.ModelManifest;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** A small untrained MLP (4 features, 3 classes) with a standardising scaler, written as a sparktrain model.zip. */
final class TinyModel {
  static final List<String> CLASSES = List.of("red", "green", "blue");
  static final FeatureScaler SCALER = new FeatureScaler("standardize", new float[] {10f, -2f, 0.5f, 100f},
      new float[] {0.5f, 2f, 4f, 0.01f});

  private TinyModel() {}

  static MultiLayerNetwork network() {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).list()
        .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3)
            .activation(Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  static ModelManifest manifest(List<String> classes) {
    return new ModelManifest(ModelManifest.VERSION, "tiny", classes,
        new ModelManifest.Input(1, 4, 1, false, "one flat row per example", List.of("a", "b", "c", "d")),
        new ModelManifest.Normalization(SCALER.kind(), SCALER.offset(), SCALER.scale()),
        new ModelManifest.Source("csv", 0.0, new ModelManifest.Csv(true, ",", "label"), null, null), "test",
        "2026-12-02T00:00:00Z");
  }

  static byte[] zip(MultiLayerNetwork net) {
    return ModelFile.write(net, manifest(CLASSES), SCALER);
  }
}
