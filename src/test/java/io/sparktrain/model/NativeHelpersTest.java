package io.sparktrain.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.data.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's oneDNN layer implementations are reached (they were dead code in 1.0.0-M2.1 until the property
 * and the class-name lookup were fixed), and they compute what DL4J's own Java-side code computes.
 */
class NativeHelpersTest {
  private static MultiLayerConfiguration convNet() throws Exception {
    Path jobFile = Path.of("target", "native-helpers-job.conf");
    Files.writeString(jobFile, "include \"../conf/fashion-mnist-sample.conf\"\n"
        + "model { layers = [\n"
        + "  { type = conv, filters = 6, kernel = [3, 3], padding = same }\n"
        + "  { type = batchnorm }\n"
        + "  { type = subsampling, pooling = max, kernel = [2, 2], stride = [2, 2] }\n"
        + "  { type = conv, filters = 8, kernel = [5, 5], padding = truncate }\n"
        + "  { type = subsampling, pooling = avg, kernel = [2, 2], stride = [2, 2] }\n"
        + "  { type = dense, units = 16 }\n"
        + "  { type = output, loss = mcxent, activation = softmax }\n"
        + "] }\n");
    JobConfig job = ConfigLoader.load(jobFile.toFile(), List.of());
    return ModelFactory.build(job.model(), Shape.image(28, 28, 1), 10, 3);
  }

  @Test
  void shippedNativeBuild_hasOneDnn_andTheOldLookupSeesIt() {
    assertThat(NativeHelpers.oneDnnBuild()).as("loaded natives: %s", org.bytedeco.javacpp.Loader.getLoadedLibraries())
        .isTrue();
    assertThat(Nd4jCpu.Environment.getInstance().isUseONEDNN()).isTrue();
    assertThat(org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()).isTrue();
  }

  @Test
  void builtNetwork_runsConvolutionPoolingAndBatchNormInOneDnn() throws Exception {
    MultiLayerNetwork net = new MultiLayerNetwork(convNet());
    net.init();
    assertThat(NativeHelpers.enabled()).isTrue();
    assertThat(net.getLayer(0).getHelper()).isInstanceOf(MKLDNNConvHelper.class);
    assertThat(net.getLayer(1).getHelper()).isInstanceOf(MKLDNNBatchNormHelper.class);
    assertThat(net.getLayer(2).getHelper()).isInstanceOf(MKLDNNSubsamplingHelper.class);
    assertThat(net.getLayer(3).getHelper()).isInstanceOf(MKLDNNConvHelper.class);
    assertThat(net.getLayer(4).getHelper()).isInstanceOf(MKLDNNSubsamplingHelper.class);
  }

  @Test
  void oneDnnHelpers_giveDl4jsOwnScoreAndGradient() throws Exception {
    MultiLayerConfiguration conf = convNet();
    MultiLayerNetwork fast = new MultiLayerNetwork(conf.clone());
    fast.init();
    assertThat(fast.getLayer(0).getHelper()).isNotNull();
    MultiLayerNetwork plain;
    System.setProperty(NativeHelpers.PROPERTY, "true");
    try {
      plain = new MultiLayerNetwork(conf.clone());
      plain.init(fast.params().dup(), true);
    } finally {
      System.setProperty(NativeHelpers.PROPERTY, "false");
    }
    assertThat(plain.getLayer(0).getHelper()).isNull();
    Nd4j.getRandom().setSeed(11);
    INDArray x = Nd4j.rand(DataType.FLOAT, 16, 784);
    INDArray y = Nd4j.zeros(DataType.FLOAT, 16, 10);
    for (int i = 0; i < 16; i++) {
      y.putScalar(i, i % 10, 1f);
    }
    DataSet batch = new DataSet(x, y);
    assertThat(maxRelative(fast.output(x, false), plain.output(x, false))).isLessThan(1e-4);
    fast.setInput(x);
    fast.setLabels(y);
    fast.computeGradientAndScore();
    plain.setInput(x);
    plain.setLabels(y);
    plain.computeGradientAndScore();
    assertThat(fast.score()).isCloseTo(plain.score(), org.assertj.core.data.Offset.offset(1e-4));
    INDArray g1 = fast.gradient().gradient();
    INDArray g2 = plain.gradient().gradient();
    assertThat(g1.sub(g2).norm2Number().doubleValue() / g2.norm2Number().doubleValue()).isLessThan(1e-4);
    // And a few steps of training stay together.
    for (int step = 0; step < 5; step++) {
      fast.fit(batch);
      plain.fit(batch);
    }
    // The helpers really ran: a helper that fails is dropped silently and DL4J's own code takes over.
    for (int layer : new int[] {0, 3}) {
      assertThat(helperFailures(fast.getLayer(layer), org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class))
          .isZero();
    }
    for (int layer : new int[] {2, 4}) {
      assertThat(helperFailures(fast.getLayer(layer),
          org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.class)).isZero();
    }
    INDArray p1 = fast.params();
    INDArray p2 = plain.params();
    assertThat(p1.sub(p2).norm2Number().doubleValue() / p2.norm2Number().doubleValue()).isLessThan(1e-4);
  }

  private static int helperFailures(Object layer, Class<?> type) throws ReflectiveOperationException {
    java.lang.reflect.Field f = type.getDeclaredField("helperCountFail");
    f.setAccessible(true);
    return f.getInt(layer);
  }

  private static double maxRelative(INDArray a, INDArray b) {
    return a.sub(b).amaxNumber().doubleValue() / Math.max(1e-12, b.amaxNumber().doubleValue());
  }
}
