package io.sparktrain.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class CheckpointFileTest {
  static MultiLayerConfiguration conf() {
    return new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(1e-3)).list()
        .layer(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
            .activation(Activation.SOFTMAX).build())
        .build();
  }

  /** A state whose weights are a real network's, so the file is a loadable DL4J model. */
  static TrainingState withNetwork() {
    MultiLayerNetwork net = new MultiLayerNetwork(conf());
    net.init();
    net.getLayerWiseConfigurations().setIterationCount(37);
    net.getLayerWiseConfigurations().setEpochCount(9);
    Weights w = Weights.of(net);
    w.updater().assign(org.nd4j.linalg.factory.Nd4j.rand(w.updater().shape()));
    return TrainingStates.sample().withWeights(w).withEarly(new EarlyStopping.State(0.75, 1, 0),
        new Weights(w.params().mul(2), w.updater().mul(3), 30, 7));
  }

  static byte[] bytes(TrainingState s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CheckpointFile.write(s, conf(), out);
    return out.toByteArray();
  }

  @Test
  void roundTrip_givesBackTheStateBitForBit() throws IOException {
    TrainingState s = withNetwork();
    TrainingState back = CheckpointFile.read(new ByteArrayInputStream(bytes(s))).state();
    assertThat(back.position()).isEqualTo(s.position());
    assertThat(back.learningRate()).isEqualTo(s.learningRate());
    assertThat(back.schedule()).isEqualTo(s.schedule());
    assertThat(back.guard()).isEqualTo(s.guard());
    assertThat(back.early()).isEqualTo(s.early());
    assertThat(back.diagnoser()).isEqualTo(s.diagnoser());
    assertThat(back.epochs()).isEqualTo(s.epochs());
    assertThat(back.epoch()).isEqualTo(s.epoch());
    assertThat(back.totals()).isEqualTo(s.totals());
    assertThat(back.stop()).isEqualTo(s.stop());
    assertThat(json(back.facts())).isEqualTo(json(s.facts()));
    assertThat(back.facts().lrFind().losses()[2]).isNaN();
    assertThat(back.facts().split().testSum()).isEqualTo(Long.MIN_VALUE);
    assertThat(back.facts().scaler().scale()[1]).isEqualTo(Float.MIN_VALUE);
    assertThat(back.weights()).isEqualTo(s.weights());
    assertThat(back.best()).isEqualTo(s.best());
    assertThat(back.stall()).isEqualTo(s.stall());
    assertThat(back.stall().boost().losses().get(1)).isNaN();
    assertThat(back.rollback()).isEqualTo(s.rollback()).isNotNull();
  }

  @Test
  void aBoostWithoutItsRollbackWeights_isDroppedOnRead() throws IOException {
    TrainingState s = withNetwork();
    TrainingState back = CheckpointFile.read(new ByteArrayInputStream(bytes(s.withStall(s.stall(), null)))).state();
    assertThat(back.stall().boost()).isNull();
    assertThat(back.rollback()).isNull();
    assertThat(back.stall().events()).isEqualTo(s.stall().events());
  }

  @Test
  void noBoostInProgress_noRollbackWeights() throws IOException {
    TrainingState s = withNetwork().withStall(StallPolicy.State.initial(2.3), null);
    byte[] file = bytes(s);
    TrainingState back = CheckpointFile.read(new ByteArrayInputStream(file)).state();
    assertThat(back.rollback()).isNull();
    assertThat(back.stall()).isEqualTo(s.stall());
    assertThat(new String(file, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("rollback-coefficients");
  }

  @Test
  void stateWithoutBestOrStop_roundTrips() throws IOException {
    TrainingState s = withNetwork().withEarly(EarlyStopping.State.initial(), null)
        .withStop(new TrainingState.Stop("early stopping", "validationAccuracy did not improve"));
    TrainingState back = CheckpointFile.read(new ByteArrayInputStream(bytes(s))).state();
    assertThat(back.best()).isNull();
    assertThat(back.early().best()).isNaN();
    assertThat(back.stop()).isEqualTo(s.stop());
  }

  @Test
  void checkpoint_isADl4jModelZip_withTheWeightsAndCounters() throws IOException {
    TrainingState s = withNetwork();
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes(s)), true);
    assertThat(net.params()).isEqualTo(s.weights().params());
    assertThat(net.getUpdater().getStateViewArray()).isEqualTo(s.weights().updater());
    assertThat(net.getLayerWiseConfigurations().getIterationCount()).isEqualTo(37);
    assertThat(net.getLayerWiseConfigurations().getEpochCount()).isEqualTo(9);
  }

  @Test
  void notACheckpoint_saysWhatIsMissing() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("configuration.json"));
      zip.write("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> CheckpointFile.read(new ByteArrayInputStream(out.toByteArray())))
        .isInstanceOf(IOException.class).hasMessageContaining("not a sparktrain checkpoint");
  }

  private static String json(Object o) throws IOException {
    return CheckpointFile.JSON.writeValueAsString(o);
  }
}
