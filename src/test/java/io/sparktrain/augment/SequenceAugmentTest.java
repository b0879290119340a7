package io.sparktrain.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sparktrain.config.AugmentSpec;
import io.sparktrain.config.ConfigException;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.data.Batches;
import io.sparktrain.data.Example;
import io.sparktrain.data.Shape;
import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

/** Sequence augmentations: what each does to steps and per-step labels, and the minibatch path agreeing with it. */
class SequenceAugmentTest {
  static final int WIDTH = 2;
  static final Shape SEQ = Shape.sequence(0, WIDTH);

  /** A sequence of {@code length} steps: feature 0 is the step number, feature 1 is -10 x it; labels = step % 3. */
  static Example sequence(int length, boolean perStep) {
    float[] x = new float[length * WIDTH];
    int[] labels = new int[length];
    for (int t = 0; t < length; t++) {
      x[t * WIDTH] = t;
      x[t * WIDTH + 1] = -10f * t;
      labels[t] = t % 3;
    }
    return perStep ? Example.perStep(x, labels) : new Example(x, 1);
  }

  private static AugmentSpec spec(String type) {
    return new AugmentSpec("augment.ops[0]", type, 1, 2, 10, 0.02, 0.2, 0.1, 0.1, 0.1, 0.05, 0.2, 3, 0.6);
  }

  @Test
  void timeShift_keepsTheLength_movesStepsAndTheirLabels_andCoversEveryShift() {
    Example e = sequence(10, true);
    Set<Integer> shifts = new HashSet<>();
    for (int seed = 0; seed < 200; seed++) {
      Example s = new TimeShift(3).apply(e, WIDTH, new SplittableRandom(seed));
      assertThat(s.features()).hasSize(20);
      int shift = Math.round(-s.features()[5 * WIDTH]) + 5; // step 5 now holds step 5 - shift
      shifts.add(shift);
      for (int t = 0; t < 10; t++) {
        int from = Math.max(0, Math.min(9, t - shift));
        assertThat(s.features()[t * WIDTH]).isEqualTo(from);
        assertThat(s.features()[t * WIDTH + 1]).isEqualTo(-10f * from);
        assertThat(s.stepLabels()[t]).isEqualTo(from % 3);
      }
    }
    assertThat(shifts).containsExactlyInAnyOrder(-3, -2, -1, 0, 1, 2, 3);
    assertThat(e.features()[WIDTH]).as("input untouched").isEqualTo(1f);
  }

  @Test
  void windowSlice_keepsAContiguousShareOfTheSteps_withTheirLabels() {
    Example e = sequence(10, true);
    Set<Integer> starts = new HashSet<>();
    for (int seed = 0; seed < 100; seed++) {
      Example w = new WindowSlice(0.6).apply(e, WIDTH, new SplittableRandom(seed));
      assertThat(w.features()).hasSize(6 * WIDTH);
      int start = (int) w.features()[0];
      starts.add(start);
      for (int t = 0; t < 6; t++) {
        assertThat(w.features()[t * WIDTH]).isEqualTo(start + t);
        assertThat(w.stepLabels()[t]).isEqualTo((start + t) % 3);
      }
    }
    assertThat(starts).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    Example one = new WindowSlice(0.01).apply(sequence(10, false), WIDTH, new SplittableRandom(1));
    assertThat(one.features()).as("at least one step").hasSize(WIDTH);
    assertThat(one.label()).isEqualTo(1);
  }

  @Test
  void magnitudeScaling_scalesEachFeatureByOneFactorAtEveryStep() {
    Example e = sequence(8, false);
    double spread = 0;
    for (int seed = 0; seed < 300; seed++) {
      Example s = new MagnitudeScaling(0.1).apply(e, WIDTH, new SplittableRandom(seed));
      float a = s.features()[WIDTH] / 1f;
      float b = s.features()[WIDTH + 1] / -10f;
      for (int t = 1; t < 8; t++) {
        assertThat(s.features()[t * WIDTH]).isCloseTo(a * t, within(1e-4f * t));
        assertThat(s.features()[t * WIDTH + 1]).isCloseTo(b * -10f * t, within(1e-3f * t));
      }
      spread += (a - 1) * (a - 1);
      assertThat(a).as("features get their own factors").isNotEqualTo(b);
    }
    assertThat(Math.sqrt(spread / 300)).isCloseTo(0.1, within(0.02));
  }

  @Test
  void unpack_isTheInverseOfTheMinibatch_forRaggedSequencesAndPerStepLabels() {
    List<Example> batch = List.of(sequence(4, true), sequence(7, true), sequence(2, true));
    List<Example> back = Batches.unpack(Batches.sequences(batch, 3, WIDTH), WIDTH);
    assertThat(back).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(back.get(i).features()).containsExactly(batch.get(i).features());
      assertThat(back.get(i).stepLabels()).containsExactly(batch.get(i).stepLabels());
    }
    List<Example> one = Batches.unpack(Batches.sequences(List.of(sequence(5, false), sequence(5, false)), 3, WIDTH),
        WIDTH);
    assertThat(one).allSatisfy(e -> {
      assertThat(e.features()).containsExactly(sequence(5, false).features());
      assertThat(e.label()).isEqualTo(1);
    });
  }

  @Test
  void aMinibatch_isAugmentedAsItsSequencesAreOneByOne_seededByEpochAndIndex() {
    AugmentPipeline p = AugmentPipeline.of(List.of(spec("jitter"), spec("scaling"), spec("timeshift"),
        spec("window")), SEQ, 42, new double[] {1.0, 10.0});
    assertThat(p.describe()).hasSize(4).anySatisfy(d -> assertThat(d).contains("window slicing"));
    List<Example> rows = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      rows.add(sequence(5 + 2 * i, true));
    }
    DataSet augmented = p.augment(Batches.sequences(rows, 3, WIDTH), 2, 100);
    assertThat(augmented.getFeaturesMaskArray()).as("windows of different lengths are masked").isNotNull();
    assertThat(augmented.getLabelsMaskArray()).isNotNull();
    List<Example> got = Batches.unpack(augmented, WIDTH);
    for (int i = 0; i < 5; i++) {
      Example one = p.apply(rows.get(i), 2, 100 + i);
      assertThat(got.get(i).features()).containsExactly(one.features());
      assertThat(got.get(i).stepLabels()).containsExactly(one.stepLabels());
      assertThat(one.features()).hasSize((int) Math.round(0.6 * (5 + 2 * i)) * WIDTH);
    }
    assertThat(Batches.unpack(p.augment(Batches.sequences(rows, 3, WIDTH), 2, 100), WIDTH).get(0).features())
        .as("same seed, epoch and index: same output").containsExactly(got.get(0).features());
    assertThat(p.apply(rows.get(0), 3, 100).features()).as("another epoch").isNotEqualTo(got.get(0).features());
  }

  @Test
  void jitter_onSequences_usesEachFeaturesDeviationAtEveryStep() {
    AugmentPipeline p = AugmentPipeline.of(List.of(spec("jitter")), SEQ, 1, new double[] {1.0, 1000.0});
    Example e = sequence(400, false);
    Example j = p.apply(e, 1, 0);
    double small = 0;
    double large = 0;
    for (int t = 0; t < 400; t++) {
      small += Math.pow(j.features()[t * WIDTH] - e.features()[t * WIDTH], 2);
      large += Math.pow(j.features()[t * WIDTH + 1] - e.features()[t * WIDTH + 1], 2);
    }
    // scale 0.05 x std: about 0.05 for feature 0 and 50 for feature 1.
    assertThat(Math.sqrt(small / 400)).isCloseTo(0.05, within(0.01));
    assertThat(Math.sqrt(large / 400)).isCloseTo(50, within(10.0));
  }

  @Test
  void theConfig_namesOpsThatDoNotFitTheData() {
    File co2 = new File("conf/co2-direction.conf");
    assertThat(ConfigLoader.load(co2, List.of("augment.ops = [{ type = jitter }, { type = scaling }, "
        + "{ type = timeshift, steps = 2 }, { type = window, fraction = 0.8 }, { type = noise }]")).augment())
        .extracting(AugmentSpec::type).containsExactly("jitter", "scaling", "timeshift", "window", "noise");
    assertThatThrownBy(() -> ConfigLoader.load(co2, List.of("augment.ops = [{ type = jitter }, { type = flip }]")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("augment.ops[1].type: flip does not take sequences")
        .hasMessageContaining("use noise, jitter, scaling, timeshift, window");
    assertThatThrownBy(() -> ConfigLoader.load(co2, List.of("augment.ops = [{ type = mixup }]")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("augment.ops[0].type: mixup does not take sequences");
    assertThatThrownBy(() -> ConfigLoader.load(new File("conf/fashion-mnist-sample.conf"), List.of("augment.ops = [{ type = window }]")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("augment.ops[0].type: window works on sequences, but data.format = idx");
    assertThatThrownBy(() -> ConfigLoader.load(co2, List.of("augment.ops = [{ type = window, fraction = 0 }]")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("augment.ops[0].fraction");
  }
}
