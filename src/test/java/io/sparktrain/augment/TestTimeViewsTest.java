package io.sparktrain.augment;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.config.AugmentSpec;
import io.sparktrain.data.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TestTimeViewsTest {
  static final Shape IMAGE = Shape.image(6, 5, 1);

  static AugmentSpec op(String type) {
    return new AugmentSpec("augment.ops[0]", type, 0.5, 2, 10, 0.02, 0.2, 0.05, 0.1, 0.1, 0.05, 0.2, 5, 0.9);
  }

  @Test
  void views_followThePipelinesFlipAndShift() {
    assertThat(TestTimeViews.of(List.of(op("flip"), op("shift"), op("mixup")), IMAGE, 1).size()).isEqualTo(10);
    assertThat(TestTimeViews.of(List.of(op("flip")), IMAGE, 1).size()).isEqualTo(2);
    assertThat(TestTimeViews.of(List.of(op("shift")), IMAGE, 1).size()).isEqualTo(5);
    assertThat(TestTimeViews.of(List.of(op("flip"), op("shift")), IMAGE, 0).size()).isEqualTo(2);
    assertThat(TestTimeViews.of(List.of(op("erase")), IMAGE, 1).size()).isEqualTo(1);
    assertThat(TestTimeViews.of(List.of(op("flip"), op("shift")), IMAGE, 1).describe())
        .isEqualTo("10 views: the image and its mirror image, each also shifted 1 px right, left, down and up");
    assertThat(TestTimeViews.of(List.of(op("flip")), IMAGE, 1).describe()).isEqualTo("2 views: the image and its mirror image");
  }

  @Test
  void eachView_isTheImage_itsMirror_orAOnePixelShiftOfEither() {
    TestTimeViews views = TestTimeViews.of(List.of(op("flip"), op("shift")), IMAGE, 1);
    float[] x = AugmentTest.ramp(IMAGE);
    float[] mirror = HorizontalFlip.mirror(x, IMAGE);
    List<float[]> expected = new ArrayList<>();
    for (float[] base : List.of(x, mirror)) {
      expected.add(base);
      expected.add(RandomShift.shift(base, IMAGE, 1, 0));
      expected.add(RandomShift.shift(base, IMAGE, -1, 0));
      expected.add(RandomShift.shift(base, IMAGE, 0, 1));
      expected.add(RandomShift.shift(base, IMAGE, 0, -1));
    }
    for (int k = 0; k < views.size(); k++) {
      assertThat(views.view(k, x)).as("view %d", k).containsExactly(expected.get(k));
    }
    assertThat(views.view(0, x)).as("a copy, not the input").isNotSameAs(x);
    // Mirror: column i of row y becomes column w-1-i; shift right by 1: column 0 is uncovered (zero).
    assertThat(mirror[0]).isEqualTo(x[4]);
    assertThat(RandomShift.shift(x, IMAGE, 1, 0)[0]).isZero();
    assertThat(RandomShift.shift(x, IMAGE, 1, 0)[1]).isEqualTo(x[0]);
    assertThat(x).as("input unchanged").containsExactly(AugmentTest.ramp(IMAGE));
  }

  @Test
  void minibatchView_isTheViewOfEveryRow() {
    TestTimeViews views = TestTimeViews.of(List.of(op("flip"), op("shift")), IMAGE, 1);
    float[] a = AugmentTest.ramp(IMAGE);
    float[] b = HorizontalFlip.mirror(a, IMAGE);
    b[3] = 7;
    INDArray batch = Nd4j.create(new float[][] {a, b});
    for (int k = 0; k < views.size(); k++) {
      INDArray v = views.view(k, batch);
      assertThat(v.shape()).isEqualTo(batch.shape());
      assertThat(v.getRow(0).toFloatVector()).containsExactly(views.view(k, a));
      assertThat(v.getRow(1).toFloatVector()).containsExactly(views.view(k, b));
    }
  }
}
