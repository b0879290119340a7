package io.sparktrain.cli;

import io.sparktrain.config.DataConfig;
import io.sparktrain.data.Batches;
import io.sparktrain.data.Example;
import io.sparktrain.data.Splits;
import io.sparktrain.report.MisclassifiedGrid;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Picks misclassified test images for the report: the first ones among a bounded sample of the test set. */
final class Misclassified {
  static final int SAMPLE = 512;
  static final int MAX_TILES = 32;

  private Misclassified() {}

  /** The grid PNG, or null when the sample holds no misclassified image. */
  static byte[] grid(MultiLayerNetwork net, Splits data, DataConfig config) {
    List<String> names = new ArrayList<>();
    for (int c = 0; c < config.numClasses(); c++) {
      names.add(config.className(c));
    }
    return grid(net, data.test().take(SAMPLE), data.shape(), names);
  }

  /** The grid PNG of the misclassified among {@code sample} (scaled as the network takes them), or null. */
  static byte[] grid(MultiLayerNetwork net, List<Example> sample, io.sparktrain.data.Shape shape, List<String> names) {
    if (sample.isEmpty()) {
      return null;
    }
    DataSet ds = Batches.toDataSet(sample, names.size());
    INDArray predicted = net.output(ds.getFeatures(), false).argMax(1);
    List<MisclassifiedGrid.Tile> tiles = new ArrayList<>();
    for (int i = 0; i < sample.size() && tiles.size() < MAX_TILES; i++) {
      int p = predicted.getInt(i);
      Example ex = sample.get(i);
      if (p != ex.label()) {
        tiles.add(new MisclassifiedGrid.Tile(unscaled(ex.features()), names.get(ex.label()), "→ " + names.get(p)));
      }
    }
    return tiles.isEmpty() ? null : MisclassifiedGrid.png(tiles, shape.height(), shape.width());
  }

  /**
   * The augmentation preview: 8 training images in the first row, the same images as epoch 1 and
   * epoch 2 augment them (per-example operations; mixup and cutmix act on whole minibatches) below.
   */
  static byte[] augmentationGrid(io.sparktrain.augment.AugmentPipeline pipeline, Splits data, DataConfig config) {
    List<Example> sample = data.train().take(MisclassifiedGrid.COLUMNS);
    List<MisclassifiedGrid.Tile> tiles = new ArrayList<>();
    for (int epoch = 0; epoch <= 2; epoch++) {
      for (int i = 0; i < sample.size(); i++) {
        Example ex = epoch == 0 ? sample.get(i) : pipeline.apply(sample.get(i), epoch, i);
        tiles.add(new MisclassifiedGrid.Tile(clamped(ex.features()), config.className(ex.label()),
            epoch == 0 ? "original" : "epoch " + epoch));
      }
    }
    return MisclassifiedGrid.png(tiles, data.shape().height(), data.shape().width());
  }

  /** Scaled pixels as they are, clamped to [0, 1], so augmentation's changes of brightness stay visible. */
  private static float[] clamped(float[] x) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = Math.max(0f, Math.min(1f, x[i]));
    }
    return out;
  }

  /** Pixels back in [0, 1] for display, whatever the scaling was. */
  private static float[] unscaled(float[] x) {
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    for (float v : x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    float[] out = new float[x.length];
    float range = max - min > 1e-6f ? max - min : 1f;
    for (int i = 0; i < x.length; i++) {
      out[i] = (x[i] - min) / range;
    }
    return out;
  }
}
