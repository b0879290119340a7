package io.sparktrain.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.data.Shape;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Flat channels-last rows become images the convolutions read pixel by pixel, in either layout. */
class ImageInputTest {
  @TempDir
  Path dir;

  /** Two 3x4 RGB images, row-major, channels last: pixel (y, x) of image n has R = 100n + 10y + x, G = -R, B = 0.5. */
  private static INDArray rows() {
    float[] x = new float[2 * 3 * 4 * 3];
    for (int n = 0; n < 2; n++) {
      for (int y = 0; y < 3; y++) {
        for (int i = 0; i < 4; i++) {
          int at = ((n * 3 + y) * 4 + i) * 3;
          x[at] = 100 * n + 10 * y + i;
          x[at + 1] = -(100 * n + 10 * y + i);
          x[at + 2] = 0.5f;
        }
      }
    }
    return Nd4j.create(x, new long[] {2, 36}, 'c');
  }

  @Test
  void eachChannelHoldsItsOwnColour_atEveryPixel_inBothLayouts_andTheGradientGoesBackToItsValue() {
    INDArray nchw = new ImageInput(3, 4, 3, CNN2DFormat.NCHW).preProcess(rows(), 2, LayerWorkspaceMgr.noWorkspaces());
    INDArray nhwc = new ImageInput(3, 4, 3, CNN2DFormat.NHWC).preProcess(rows(), 2, LayerWorkspaceMgr.noWorkspaces());
    assertThat(nchw.shape()).containsExactly(2, 3, 3, 4);
    assertThat(nhwc.shape()).containsExactly(2, 3, 4, 3);
    for (int n = 0; n < 2; n++) {
      for (int y = 0; y < 3; y++) {
        for (int i = 0; i < 4; i++) {
          float r = 100 * n + 10 * y + i;
          assertThat(nchw.getFloat(n, 0, y, i)).isEqualTo(r);
          assertThat(nchw.getFloat(n, 1, y, i)).isEqualTo(-r);
          assertThat(nchw.getFloat(n, 2, y, i)).isEqualTo(0.5f);
          assertThat(nhwc.getFloat(n, y, i, 0)).isEqualTo(r);
          assertThat(nhwc.getFloat(n, y, i, 1)).isEqualTo(-r);
        }
      }
    }
    assertThat(new ImageInput(3, 4, 3, CNN2DFormat.NCHW).backprop(nchw, 2, LayerWorkspaceMgr.noWorkspaces()))
        .isEqualTo(rows());
    assertThat(new ImageInput(3, 4, 3, CNN2DFormat.NHWC).backprop(nhwc, 2, LayerWorkspaceMgr.noWorkspaces()))
        .isEqualTo(rows());
  }

  @Test
  void onlyANetworkThatStartsWithConvolutionsTakesImages_denseAndDropoutFirstTakeTheRows() throws Exception {
    Path conf = Files.writeString(dir.resolve("mlp.conf"), "data { format = idx, train = x, trainLabels = y,"
        + " numClasses = 2 }\nmodel.layers = [{ type = dense, units = 8 }, { type = output }]\n");
    JobConfig mlp = ConfigLoader.load(conf.toFile(), List.of());
    MultiLayerConfiguration rows = ModelFactory.build(mlp.model(), Shape.image(3, 4, 3), 2, 1);
    assertThat(rows.getInputPreProcess(0)).isNull();
    MultiLayerNetwork mlpNet = new MultiLayerNetwork(rows);
    mlpNet.init();
    assertThat(mlpNet.output(rows()).shape()).as("the rows as they are, 36 values each").containsExactly(2, 2);
    JobConfig dropped = ConfigLoader.load(conf.toFile(), List.of("model.layers = [{ type = dropout, rate = 0.1 },"
        + " { type = conv, filters = 2, kernel = [3, 3] }, { type = output }]"));
    MultiLayerConfiguration images = ModelFactory.build(dropped.model(), Shape.image(3, 4, 3), 2, 1);
    assertThat(images.getInputPreProcess(1)).isEqualTo(new ImageInput(3, 4, 3, CNN2DFormat.NCHW));
    MultiLayerNetwork net = new MultiLayerNetwork(images);
    net.init();
    assertThat(net.output(rows()).shape()).containsExactly(2, 2);
  }

  @Test
  void oneChannel_isWhatDl4jsOwnStepGave_soGreyscaleModelsAreUnchanged() {
    INDArray grey = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 5, 12);
    INDArray dl4j = new org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor(3, 4, 1)
        .preProcess(grey.dup(), 5, LayerWorkspaceMgr.noWorkspaces());
    INDArray ours = new ImageInput(3, 4, 1, CNN2DFormat.NCHW).preProcess(grey.dup(), 5,
        LayerWorkspaceMgr.noWorkspaces());
    assertThat(ours).isEqualTo(dl4j);
    assertThat(new ImageInput(3, 4, 1, CNN2DFormat.NCHW).backprop(ours, 5, LayerWorkspaceMgr.noWorkspaces()))
        .isEqualTo(grey);
  }

  @Test
  void theLayoutIsInsideTheNetwork_theSameWeightsGiveTheSameFeatureMaps_andItSavesAndRestores() throws Exception {
    Path conf = Files.writeString(dir.resolve("rgb.conf"), "seed = 3\n"
        + "data { format = images, train = unused, numClasses = 2 }\n"
        + "model.layers = [{ type = conv, filters = 4, kernel = [3, 3], activation = relu }, { type = batchnorm },"
        + " { type = subsampling }, { type = dense, units = 8 }, { type = output }]\n");
    JobConfig job = ConfigLoader.load(conf.toFile(), List.of());
    Shape shape = Shape.image(3, 4, 3);
    MultiLayerNetwork a = new MultiLayerNetwork(ModelFactory.build(job.model(), shape, 2, 3, CNN2DFormat.NCHW));
    MultiLayerNetwork b = new MultiLayerNetwork(ModelFactory.build(job.model(), shape, 2, 3, CNN2DFormat.NHWC));
    a.init();
    b.init(a.params().dup(), false);
    // The convolution, batch norm and pooling see the same images and compute the same maps, laid out two
    // ways; only the flattening before the dense layer orders the values differently.
    List<INDArray> nchw = a.feedForward(rows(), false);
    List<INDArray> nhwc = b.feedForward(rows(), false);
    for (int layer = 1; layer <= 3; layer++) {
      INDArray same = nhwc.get(layer).permute(0, 3, 1, 2);
      assertThat(same.shape()).containsExactly(nchw.get(layer).shape());
      assertThat(same.sub(nchw.get(layer)).amax().getDouble(0)).as("layer %d", layer - 1).isLessThan(1e-5);
    }
    assertThat(nchw.get(1).amax().getDouble(0)).as("the convolution saw something").isGreaterThan(0.1);

    File saved = dir.resolve("model.zip").toFile();
    ModelSerializer.writeModel(a, saved, true);
    MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(saved);
    assertThat(back.getLayerWiseConfigurations().getInputPreProcess(0)).isEqualTo(new ImageInput(3, 4, 3,
        CNN2DFormat.NCHW));
    assertThat(back.output(rows())).isEqualTo(a.output(rows()));
    assertThat(MultiLayerConfiguration.fromJson(b.getLayerWiseConfigurations().toJson()))
        .isEqualTo(b.getLayerWiseConfigurations());
  }
}
