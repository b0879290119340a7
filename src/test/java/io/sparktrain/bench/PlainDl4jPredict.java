package io.sparktrain.bench;

import io.sparktrain.data.IdxReader;
import java.io.File;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The baseline of bench/predict.sh: a sparktrain model.zip restored by plain DL4J
 * ({@code ModelSerializer.restoreMultiLayerNetwork} and {@code restoreNormalizerFromFile}) and scored
 * with {@code MultiLayerNetwork.output} in minibatches of 256 in one JVM, no Spark. Each pass prints
 * {@code pass N examples E seconds S examples/s R accuracy A}; the time counts scaling and the forward
 * passes, not reading the IDX file. The first pass warms the JIT up.
 *
 * <p>Usage: PlainDl4jPredict MODEL_ZIP IMAGES_IDX LABELS_IDX [PASSES]
 */
public final class PlainDl4jPredict {
  private PlainDl4jPredict() {}

  public static void main(String[] args) throws Exception {
    File zip = new File(args[0]);
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(zip, false);
    DataNormalization normalizer = ModelSerializer.restoreNormalizerFromFile(zip);
    IdxReader.IdxImages images = IdxReader.read(args[1], args[2], 10, new Configuration());
    int passes = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    int n = images.images().size();
    int width = images.rows() * images.cols();
    float[] all = new float[n * width];
    for (int i = 0; i < n; i++) {
      byte[] pixels = images.images().get(i);
      for (int p = 0; p < width; p++) {
        all[i * width + p] = pixels[p] & 0xff;
      }
    }
    for (int pass = 1; pass <= passes; pass++) {
      long t0 = System.nanoTime();
      int correct = 0;
      for (int from = 0; from < n; from += 256) {
        int rows = Math.min(256, n - from);
        float[] x = new float[rows * width];
        System.arraycopy(all, from * width, x, 0, x.length);
        INDArray features = Nd4j.create(x, new long[] {rows, width}, 'c');
        normalizer.transform(features);
        INDArray predicted = net.output(features, false).argMax(1);
        for (int i = 0; i < rows; i++) {
          correct += predicted.getInt(i) == (images.labels()[from + i] & 0xff) ? 1 : 0;
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "pass %d examples %d seconds %.2f examples/s %.0f accuracy %.4f%n", pass, n,
          seconds, n / seconds, correct / (double) n);
    }
  }
}
