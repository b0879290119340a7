package io.sparktrain.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sparktrain.config.AugmentSpec;
import io.sparktrain.data.Example;
import io.sparktrain.data.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class AugmentTest {
  static final Shape IMAGE = Shape.image(6, 5, 1);

  /** A 6x5 image whose pixel (y, x) is y * 5 + x + 1, scaled to (0, 1]. */
  static float[] ramp(Shape s) {
    float[] x = new float[s.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i + 1) / (float) x.length;
    }
    return x;
  }

  static Stream<ExampleOp> imageOps() {
    return Stream.of(new HorizontalFlip(0.5), new RandomShift(2), new RandomRotation(15),
        new RandomErasing(1.0, 0.1, 0.3), new GaussianNoise(0.1), new BrightnessContrast(0.2, 0.2));
  }

  @ParameterizedTest
  @MethodSource("imageOps")
  void everyOp_preservesShapeAndLabel_sameSeedSameOutput_otherEpochOtherOutput(ExampleOp op) {
    AugmentPipeline p = new AugmentPipeline(List.of(op), List.of(), IMAGE, 42);
    Example e = new Example(ramp(IMAGE), 7);
    Example a = p.apply(e, 1, 3);
    assertThat(a.features()).hasSize(IMAGE.size());
    assertThat(a.label()).isEqualTo(7);
    assertThat(p.apply(e, 1, 3).features()).containsExactly(a.features());
    assertThat(new AugmentPipeline(List.of(op), List.of(), IMAGE, 42).apply(e, 1, 3).features())
        .as("a pipeline rebuilt from the same seed").containsExactly(a.features());
    boolean differs = false;
    for (int epoch = 2; epoch < 12 && !differs; epoch++) {
      differs = !Arrays.equals(p.apply(e, epoch, 3).features(), a.features());
    }
    assertThat(differs).as(op.describe() + ": other epochs give other output").isTrue();
    assertThat(e.features()).as("input untouched").containsExactly(ramp(IMAGE));
  }

  @Test
  void flip_mirrorsEachRow() {
    float[] x = ramp(IMAGE);
    float[] f = new HorizontalFlip(1.0).apply(x, IMAGE, new SplittableRandom(1));
    for (int y = 0; y < 6; y++) {
      for (int i = 0; i < 5; i++) {
        assertThat(f[y * 5 + i]).isEqualTo(x[y * 5 + (4 - i)]);
      }
    }
    assertThat(new HorizontalFlip(0.0).apply(x, IMAGE, new SplittableRandom(1))).containsExactly(x);
  }

  @Test
  void flip_rgb_keepsChannelsTogether() {
    Shape rgb = Shape.image(1, 2, 3);
    float[] x = {1, 2, 3, 4, 5, 6};
    assertThat(new HorizontalFlip(1.0).apply(x, rgb, new SplittableRandom(1))).containsExactly(4, 5, 6, 1, 2, 3);
  }

  @Test
  void shift_movesContentAndPadsWithZeros() {
    float[] x = ramp(IMAGE);
    assertThat(new RandomShift(0).apply(x, IMAGE, new SplittableRandom(1))).containsExactly(x);
    for (long seed = 0; seed < 20; seed++) {
      float[] s = new RandomShift(1).apply(x, IMAGE, new SplittableRandom(seed));
      long zeros = 0;
      for (float v : s) {
        zeros += v == 0 ? 1 : 0;
      }
      // A shift by (dx, dy) in [-1, 1]^2 empties |dx| columns and |dy| rows, never more.
      assertThat(zeros).isLessThanOrEqualTo(6 + 5 - 1);
      assertThat(Arrays.stream(toDouble(s)).filter(v -> v != 0).allMatch(v -> contains(x, (float) v))).isTrue();
    }
  }

  @Test
  void rotation_byZeroDegrees_isTheIdentity() {
    float[] x = ramp(IMAGE);
    float[] r = new RandomRotation(0).apply(x, IMAGE, new SplittableRandom(1));
    for (int i = 0; i < x.length; i++) {
      assertThat(r[i]).isCloseTo(x[i], within(1e-5f));
    }
  }

  @Test
  void erasing_fillsOneRectangleWithNoise_orNothingAtP0() {
    float[] x = ramp(IMAGE);
    assertThat(new RandomErasing(0.0, 0.1, 0.3).apply(x, IMAGE, new SplittableRandom(1))).containsExactly(x);
    float[] e = new RandomErasing(1.0, 0.1, 0.3).apply(x, IMAGE, new SplittableRandom(5));
    int changed = 0;
    for (int i = 0; i < x.length; i++) {
      changed += e[i] != x[i] ? 1 : 0;
    }
    assertThat(changed).isBetween(1, (int) Math.ceil(0.3 * 30) + 3);
  }

  @Test
  void noise_hasTheConfiguredStandardDeviation() {
    Shape big = Shape.features(20_000);
    float[] x = new float[big.size()];
    float[] n = new GaussianNoise(0.5).apply(x, big, new SplittableRandom(3));
    double mean = 0;
    double sq = 0;
    for (float v : n) {
      mean += v;
      sq += v * v;
    }
    mean /= n.length;
    assertThat(mean).isCloseTo(0, within(0.02));
    assertThat(Math.sqrt(sq / n.length - mean * mean)).isCloseTo(0.5, within(0.02));
  }

  @Test
  void jitter_scalesNoisePerFeature() {
    Shape row = Shape.features(2);
    FeatureJitter j = new FeatureJitter(0.1, new double[] {0.0, 10.0});
    double sq = 0;
    SplittableRandom r = new SplittableRandom(9);
    for (int i = 0; i < 5000; i++) {
      float[] out = j.apply(new float[] {3, 3}, row, r);
      assertThat(out[0]).isEqualTo(3f);
      sq += (out[1] - 3) * (out[1] - 3);
    }
    assertThat(Math.sqrt(sq / 5000)).isCloseTo(1.0, within(0.05));
  }

  @Test
  void brightnessContrast_zeroJitter_isTheIdentity() {
    float[] x = ramp(IMAGE);
    float[] b = new BrightnessContrast(0, 0).apply(x, IMAGE, new SplittableRandom(1));
    for (int i = 0; i < x.length; i++) {
      assertThat(b[i]).isCloseTo(x[i], within(1e-6f));
    }
  }

  @Test
  void mixup_mixesFeaturesAndLabelsWithTheSameWeight() {
    int n = 4;
    int k = 3;
    float[] features = {0, 0, 1, 1, 2, 2, 3, 3};
    float[] labels = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0};
    new Mixup(0.4).apply(features, labels, n, Shape.features(2), k, new SplittableRandom(11));
    for (int i = 0; i < n; i++) {
      float sum = labels[i * k] + labels[i * k + 1] + labels[i * k + 2];
      assertThat(sum).isCloseTo(1f, within(1e-5f));
      assertThat(features[i * 2]).isEqualTo(features[i * 2 + 1]);
      assertThat(features[i * 2]).isBetween(0f, 3f);
    }
  }

  @Test
  void cutmix_pastesABoxAndMixesLabelsByArea() {
    Shape s = Shape.image(8, 8, 1);
    int n = 2;
    float[] features = new float[2 * 64];
    Arrays.fill(features, 64, 128, 1f);
    float[] labels = {1, 0, 0, 1};
    // With two examples the pairing is the identity or the swap; seed 2 draws the swap and a box of part
    // of the image (seeds 0 and 3, for example, draw the identity, which pastes each image onto itself).
    new CutMix(1.0, 1.0).apply(features, labels, n, s, 2, new SplittableRandom(2));
    for (int i = 0; i < n; i++) {
      assertThat(labels[i * 2] + labels[i * 2 + 1]).isCloseTo(1f, within(1e-5f));
    }
    double pasted = 0;
    double kept = 0;
    for (int j = 0; j < 64; j++) {
      pasted += features[j];
      kept += features[64 + j];
    }
    assertThat(pasted).as("pixels example 0 (all zeros) took from example 1 (all ones)").isBetween(1.0, 63.0);
    assertThat(kept).as("example 1 took the same box from example 0").isEqualTo(64 - pasted);
    assertThat(labels[1]).as("example 0's share of class 1 = the box's area").isCloseTo((float) (pasted / 64), within(1e-5f));
    assertThat(labels[2]).as("example 1's share of class 0").isCloseTo((float) (pasted / 64), within(1e-5f));
  }

  @Test
  void beta_hasMeanOneHalf() {
    SplittableRandom r = new SplittableRandom(2);
    double sum = 0;
    for (int i = 0; i < 20_000; i++) {
      double b = Gaussian.beta(0.2, r);
      assertThat(b).isBetween(0.0, 1.0);
      sum += b;
    }
    assertThat(sum / 20_000).isCloseTo(0.5, within(0.02));
  }

  @Test
  void pipeline_fromConfig_listsItsOperationsInOrder() {
    List<AugmentSpec> specs = List.of(
        new AugmentSpec("augment.ops[0]", "flip", 0.5, 2, 10, 0.02, 0.2, 0.05, 0.1, 0.1, 0.05, 0.2, 5, 0.9),
        new AugmentSpec("augment.ops[1]", "mixup", 1, 2, 10, 0.02, 0.2, 0.05, 0.1, 0.1, 0.05, 0.2, 5, 0.9),
        new AugmentSpec("augment.ops[2]", "erase", 0.5, 2, 10, 0.02, 0.2, 0.05, 0.1, 0.1, 0.05, 0.2, 5, 0.9));
    AugmentPipeline p = AugmentPipeline.of(specs, IMAGE, 1, null);
    assertThat(p.describe()).containsExactly("horizontal flip (p = 0.5)", "random erasing (p = 0.5, area 0.02-0.2)",
        "mixup (alpha 0.2), per minibatch");
    assertThat(p.hasBatchOps()).isTrue();
    assertThat(AugmentPipeline.of(List.of(), IMAGE, 1, null).isEmpty()).isTrue();
  }

  private static double[] toDouble(float[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i];
    }
    return out;
  }

  private static boolean contains(float[] x, float v) {
    for (float f : x) {
      if (f == v) {
        return true;
      }
    }
    return false;
  }
}
