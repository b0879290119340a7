package io.sparktrain.augment;

import io.sparktrain.config.AugmentSpec;
import io.sparktrain.data.Shape;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Test-time augmentation: the fixed variants of an image whose predictions are averaged. They follow the
 * training pipeline: the image itself; its mirror image when the pipeline flips; and, when it shifts,
 * each of those moved by {@code shiftPixels} right, left, down and up. At most ten views.
 */
public final class TestTimeViews implements Serializable {
  private static final long serialVersionUID = 1L;

  private record View(boolean mirror, int dx, int dy) implements Serializable {}

  private final Shape shape;
  private final List<View> views = new ArrayList<>();
  private final int shiftPixels;

  private TestTimeViews(Shape shape, boolean mirror, int shiftPixels) {
    this.shape = shape;
    this.shiftPixels = shiftPixels;
    for (boolean m : mirror ? new boolean[] {false, true} : new boolean[] {false}) {
      views.add(new View(m, 0, 0));
      if (shiftPixels > 0) {
        views.add(new View(m, shiftPixels, 0));
        views.add(new View(m, -shiftPixels, 0));
        views.add(new View(m, 0, shiftPixels));
        views.add(new View(m, 0, -shiftPixels));
      }
    }
  }

  /** The views the training pipeline {@code ops} justifies; only the image itself if it neither flips nor shifts. */
  public static TestTimeViews of(List<AugmentSpec> ops, Shape shape, int shiftPixels) {
    boolean flips = ops.stream().anyMatch(op -> op.type().equals("flip"));
    boolean shifts = ops.stream().anyMatch(op -> op.type().equals("shift"));
    return new TestTimeViews(shape, flips, shifts ? shiftPixels : 0);
  }

  public int size() {
    return views.size();
  }

  /** View {@code k} of one image (row-major, channels last) as a new array; view 0 is the image itself. */
  public float[] view(int k, float[] x) {
    View v = views.get(k);
    float[] out = v.mirror() ? HorizontalFlip.mirror(x, shape) : x.clone();
    return v.dx() == 0 && v.dy() == 0 ? out : RandomShift.shift(out, shape, v.dx(), v.dy());
  }

  /** View {@code k} of every row of a minibatch of flat images. */
  public INDArray view(int k, INDArray features) {
    int n = (int) features.size(0);
    int width = (int) (features.length() / n);
    float[] all = AugmentPipeline.flat(features, n, width);
    float[] row = new float[width];
    for (int i = 0; i < n; i++) {
      System.arraycopy(all, i * width, row, 0, width);
      System.arraycopy(view(k, row), 0, all, i * width, width);
    }
    return Nd4j.create(all, features.shape(), 'c');
  }

  /** One line for the console, summary.json and the report. */
  public String describe() {
    boolean mirror = views.stream().anyMatch(View::mirror);
    String text = size() + (size() == 1 ? " view: the image" : " views: the image") + (mirror ? " and its mirror image" : "");
    return shiftPixels > 0
        ? text + (mirror ? ", each" : "") + " also shifted " + shiftPixels + " px right, left, down and up" : text;
  }
}
