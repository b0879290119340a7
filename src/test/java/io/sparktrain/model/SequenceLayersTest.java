package io.sparktrain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparktrain.config.ConfigException;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.data.Batches;
import io.sparktrain.data.Example;
import io.sparktrain.data.Shape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The sequence layers as the model config builds them, trained a few steps on synthetic sequences. */
class SequenceLayersTest {
  private static final String DATA = "data { format = generated, numClasses = 3, normalization = none, "
      + "generated { length = 12, symbols = 3 } }\n";

  private static JobConfig job(String model, String... overrides) throws Exception {
    File f = File.createTempFile("seq", ".conf");
    f.deleteOnExit();
    java.nio.file.Files.writeString(f.toPath(), DATA + "model { " + model + " }\n");
    return ConfigLoader.load(f, List.of(overrides));
  }

  private static MultiLayerNetwork net(JobConfig job, int width) {
    MultiLayerConfiguration conf = ModelFactory.build(job.model(), Shape.sequence(12, width), 3, 7);
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** Sequences of random lengths (some shorter than the longest: a mask), labelled per sequence or per step. */
  private static List<Example> sequences(int n, int width, boolean perStep, Random r) {
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int length = 4 + r.nextInt(9);
      float[] x = new float[length * width];
      for (int k = 0; k < x.length; k++) {
        x[k] = (float) r.nextGaussian();
      }
      int[] labels = new int[length];
      for (int t = 0; t < length; t++) {
        labels[t] = r.nextInt(3);
      }
      out.add(perStep ? Example.perStep(x, labels) : new Example(x, labels[0]));
    }
    return out;
  }

  private static double trainedScore(MultiLayerNetwork net, DataSet ds) {
    double before = net.score(ds);
    for (int i = 0; i < 30; i++) {
      net.fit(ds);
    }
    double after = net.score(ds);
    assertThat(after).as("score after 30 steps on one minibatch").isLessThan(before).isFinite();
    return after;
  }

  @Test
  void everyLayerType_buildsAndTrains_onMaskedSequences() throws Exception {
    Random r = new Random(1);
    DataSet oneLabel = Batches.sequences(sequences(16, 3, false, r), 3, 3);
    assertThat(oneLabel.getFeaturesMaskArray()).as("ragged lengths are masked").isNotNull();
    String[] stacks = {
        "layers = [{ type = lstm, units = 8 }, { type = lasttimestep }, { type = output }]",
        "layers = [{ type = simplernn, units = 8 }, { type = globalpooling, pooling = avg }, { type = output }]",
        "layers = [{ type = bidirectional, wraps = lstm, mode = concat, units = 4 }, { type = lasttimestep }, "
            + "{ type = output }]",
        "layers = [{ type = bidirectional, wraps = simplernn, mode = average, units = 4 }, "
            + "{ type = globalpooling }, { type = output }]",
        "layers = [{ type = conv1d, filters = 6, kernel = 3 }, { type = subsampling1d, kernel = 2, stride = 2 }, "
            + "{ type = lstm, units = 5 }, { type = lasttimestep }, { type = dense, units = 4 }, { type = output }]",
    };
    for (String stack : stacks) {
      trainedScore(net(job(stack), 3), oneLabel);
    }
    DataSet perStep = Batches.sequences(sequences(16, 3, true, r), 3, 3);
    assertThat(perStep.getLabels().rank()).isEqualTo(3);
    assertThat(perStep.getLabelsMaskArray()).isNotNull();
    // RnnOutputLayer with its format set: DL4J's null default breaks backprop on NCW ("Sequence lengths do not match").
    trainedScore(net(job("layers = [{ type = lstm, units = 8 }, { type = rnnoutput }]", "data.format = sequence-csv",
        "data.train = x.csv", "data.sequence.labels = step"), 3), perStep);
  }

  @Test
  void embedding_takesTokenIds() throws Exception {
    Random r = new Random(2);
    List<Example> tokens = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      float[] ids = new float[12];
      for (int t = 0; t < ids.length; t++) {
        ids[t] = r.nextInt(20);
      }
      tokens.add(new Example(ids, (int) ids[0] % 3));
    }
    JobConfig job = job("layers = [{ type = embedding, vocabulary = 20, units = 6 }, { type = lstm, units = 8 }, "
        + "{ type = lasttimestep }, { type = output }]");
    trainedScore(net(job, 1), Batches.sequences(tokens, 3, 1));
  }

  @Test
  void lastTimeStep_takesEachSequencesLastRealStep_andRoutesTheGradientThere() throws Exception {
    MultiLayerNetwork net = net(job("layers = [{ type = simplernn, units = 5 }, { type = lasttimestep }, "
        + "{ type = output }]"), 2);
    Random r = new Random(3);
    List<Example> two = List.of(new Example(new float[] {1, 2, 3, 4, 5, 6}, 0), new Example(new float[] {
        (float) r.nextGaussian(), 1, 2, 3, 4, 5, 6, 7, 8, 9}, 1));
    DataSet ds = Batches.sequences(two, 3, 2);
    // The recurrent layer's outputs: [2, 5, 5]; example 0 has 3 real steps, example 1 all 5.
    INDArray rnnOut = net.feedForwardToLayer(0, ds.getFeatures(), false).get(1);
    net.setLayerMaskArrays(ds.getFeaturesMaskArray(), null);
    INDArray last = net.feedForwardToLayer(1, ds.getFeatures(), false).get(2);
    net.clearLayerMaskArrays();
    assertThat(last.getRow(0)).isEqualTo(rnnOut.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(2)));
    assertThat(last.getRow(1)).isEqualTo(rnnOut.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.point(4)));
    // Padding after example 0's last step cannot change its loss: the gradient at the padded steps is 0.
    net.setInput(ds.getFeatures());
    net.setLabels(ds.getLabels());
    net.setLayerMaskArrays(ds.getFeaturesMaskArray(), null);
    double[] perStep = io.sparktrain.health.HealthListenerAccess.stepGradient(net);
    net.clearLayerMaskArrays();
    assertThat(perStep).hasSize(5);
    assertThat(perStep[4]).isPositive();
  }

  @Test
  void aSequenceModel_savesAndRestores_withTheSameOutput() throws Exception {
    MultiLayerNetwork net = net(job("layers = [{ type = bidirectional, units = 4 }, { type = lasttimestep }, "
        + "{ type = output }]"), 3);
    DataSet ds = Batches.sequences(sequences(4, 3, false, new Random(4)), 3, 3);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, out, true);
    MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(out.toByteArray()), true);
    assertThat(back.output(ds.getFeatures(), false, ds.getFeaturesMaskArray(), null))
        .isEqualTo(net.output(ds.getFeatures(), false, ds.getFeaturesMaskArray(), null));
  }

  @Test
  void recurrentDefaults_tanh_forgetGateBias_andClippingAtTheRecurrentThreshold() throws Exception {
    MultiLayerConfiguration conf = net(job("layers = [{ type = lstm, units = 4 }, { type = bidirectional, "
        + "wraps = simplernn, units = 4 }, { type = lasttimestep }, { type = output }]"), 3)
        .getLayerWiseConfigurations();
    LSTM lstm = (LSTM) conf.getConf(0).getLayer();
    assertThat(lstm.getForgetGateBiasInit()).isEqualTo(1.0);
    assertThat(lstm.getActivationFn().toString()).isEqualTo("tanh");
    assertThat(lstm.getGradientNormalization()).isEqualTo(GradientNormalization.ClipL2PerLayer);
    assertThat(lstm.getGradientNormalizationThreshold()).isEqualTo(1.0);
    BaseLayer inner = (BaseLayer) ((Bidirectional) conf.getConf(1).getLayer()).getFwd();
    assertThat(inner.getGradientNormalizationThreshold()).isEqualTo(1.0);
    BaseLayer output = (BaseLayer) conf.getConf(3).getLayer();
    assertThat(output.getGradientNormalizationThreshold()).isEqualTo(10.0);
  }

  @Test
  void tbptt_isSetOnTheNetwork_andNeedsAPredictionPerStep() throws Exception {
    JobConfig job = job("layers = [{ type = lstm, units = 4 }, { type = rnnoutput }], tbpttLength = 5",
        "data.format = sequence-csv", "data.train = x.csv", "data.sequence.labels = step");
    MultiLayerConfiguration conf = net(job, 3).getLayerWiseConfigurations();
    assertThat(conf.getBackpropType()).isEqualTo(BackpropType.TruncatedBPTT);
    assertThat(conf.getTbpttFwdLength()).isEqualTo(5);
    assertThatThrownBy(() -> job("layers = [{ type = lstm, units = 4 }, { type = lasttimestep }, { type = output }], "
        + "tbpttLength = 5")).isInstanceOf(ConfigException.class).hasMessageContaining("model.tbpttLength");
  }

  @Test
  void configChecks_nameTheKeyAndWhatWasExpected() {
    assertThatThrownBy(() -> job("layers = [{ type = lstm, units = 4 }, { type = output }]"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("lasttimestep");
    assertThatThrownBy(() -> job("layers = [{ type = lstm, units = 4 }, { type = rnnoutput }]"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("data.sequence.labels = step");
    assertThatThrownBy(() -> job("layers = [{ type = bidirectional, wraps = gru, units = 4 }, { type = lasttimestep },"
        + " { type = output }]")).isInstanceOf(ConfigException.class).hasMessageContaining("model.layers[0].wraps");
    assertThatThrownBy(() -> job("layers = [{ type = dense, units = 4 }, { type = output }]"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("gives sequences");
    assertThatThrownBy(() -> job("layers = [{ type = lstm, units = 4 }, { type = embedding, vocabulary = 3, "
        + "units = 2 }, { type = lasttimestep }, { type = output }]")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("must be the first layer");
  }
}
