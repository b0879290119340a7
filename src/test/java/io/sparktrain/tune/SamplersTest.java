package io.sparktrain.tune;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.sparktrain.config.SearchSpace;
import io.sparktrain.config.ConfigLoader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplersTest {
  static final String MIXED = "dimensions = ["
      + "{ key = model.updater.learningRate, type = loguniform, min = 1e-4, max = 1e-2 }\n"
      + "{ key = architecture.denseUnits, type = int, min = 16, max = 512, log = true }\n"
      + "{ key = architecture.convStages, type = choice, values = [1, 2, 3] }\n"
      + "{ key = architecture.filters3, type = choice, values = [64, 128], when { key = architecture.convStages, in = [3] } }\n"
      + "{ key = architecture.dropout, type = uniform, min = 0.1, max = 0.5 }]";

  static final com.typesafe.config.Config JOB =
      ConfigLoader.parseJob(new java.io.File("conf/fashion-mnist-sample.conf"), List.of());

  static SearchSpace space(String text) {
    return SearchSpace.of(ConfigFactory.parseString(text), JOB, "space.conf");
  }

  static List<Map<String, Object>> draw(Sampler s, int n) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      s.next(i, List.of()).ifPresent(out::add);
    }
    return out;
  }

  @Test
  void random_isAFunctionOfTheSeedAndTheTrialNumber_withinBounds() {
    SearchSpace space = space(MIXED);
    List<Map<String, Object>> a = draw(Samplers.of(space, space.tune(), 7), 50);
    List<Map<String, Object>> b = draw(Samplers.of(space, space.tune(), 7), 50);
    List<Map<String, Object>> c = draw(Samplers.of(space, space.tune(), 8), 50);
    assertThat(a).isEqualTo(b).isNotEqualTo(c);
    assertThat(Samplers.of(space, space.tune(), 7).next(31, List.of())).as("trial 31 alone, as --resume asks")
        .contains(a.get(31));
    for (Map<String, Object> v : a) {
      assertThat((Double) v.get("model.updater.learningRate")).isBetween(1e-4, 1e-2);
      assertThat((Integer) v.get("architecture.denseUnits")).isBetween(16, 512);
      assertThat((Double) v.get("architecture.dropout")).isBetween(0.1, 0.5);
      assertThat(v.containsKey("architecture.filters3")).isEqualTo(v.get("architecture.convStages").equals(3));
    }
    // Log-uniform: about half the draws below the geometric mean 1e-3.
    long below = a.stream().filter(v -> (Double) v.get("model.updater.learningRate") < 1e-3).count();
    assertThat(below).isBetween(15L, 35L);
  }

  @Test
  void grid_listsEveryCombination_conditionalDimensionsOnlyWhereTheyApply() {
    SearchSpace space = space("dimensions = ["
        + "{ key = architecture.convStages, type = choice, values = [1, 2, 3] }\n"
        + "{ key = architecture.filters3, type = choice, values = [64, 128], when { key = architecture.convStages, in = [3] } }\n"
        + "{ key = architecture.denseUnits, type = int, min = 1, max = 3 }]\ntune { sampler = grid }");
    List<Map<String, Object>> grid = draw(Samplers.of(space, space.tune(), 1), 100);
    assertThat(grid).hasSize((1 + 1 + 2) * 3).doesNotHaveDuplicates();
    assertThat(Samplers.of(space, space.tune(), 1).name()).isEqualTo("grid (12 points)");
  }

  @Test
  void grid_ofContinuousDimensionsTakesGridPointsValues_evenlyOnALogScaleForLoguniform() {
    SearchSpace space = space("dimensions = [{ key = model.updater.learningRate, type = loguniform, min = 1e-4, "
        + "max = 1e-2 }]\ntune { sampler = grid, gridPoints = 3 }");
    List<Map<String, Object>> grid = draw(Samplers.of(space, space.tune(), 1), 10);
    assertThat(grid).hasSize(3);
    double[] expected = {1e-4, 1e-3, 1e-2};
    for (int i = 0; i < 3; i++) {
      assertThat((Double) grid.get(i).get("model.updater.learningRate"))
          .isCloseTo(expected[i], org.assertj.core.api.Assertions.within(expected[i] * 1e-9));
    }
  }

  @Test
  void auto_isAGridForASmallDiscreteSpace_andRandomOtherwise() {
    SearchSpace small = space("dimensions = [{ key = architecture.denseUnits, type = choice, values = [64, 128] }]");
    assertThat(Samplers.of(small, small.tune(), 1).name()).startsWith("grid");
    SearchSpace mixed = space(MIXED);
    assertThat(Samplers.of(mixed, mixed.tune(), 1).name()).isEqualTo("random");
  }

  @Test
  void random_overADiscreteSpaceNeverTrainsAConfigurationTwice() {
    SearchSpace space = space("dimensions = [{ key = architecture.denseUnits, type = choice, values = [32, 64, 128] }"
        + "\n{ key = architecture.dropout, type = choice, values = [0.0, 0.5] }]\ntune { sampler = random }");
    List<Map<String, Object>> drawn = draw(Samplers.of(space, space.tune(), 3), 10);
    assertThat(drawn).hasSize(6);
    assertThat(new HashSet<>(drawn)).hasSize(6);
  }

  @Test
  void trialSeeds_differPerTrialAndFollowTheSearchSeed() {
    assertThat(Search.trialSeed(42, 0)).isEqualTo(Search.trialSeed(42, 0)).isNotEqualTo(Search.trialSeed(42, 1))
        .isNotEqualTo(Search.trialSeed(43, 0)).isNotNegative();
  }
}
