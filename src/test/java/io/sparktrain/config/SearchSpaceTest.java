package io.sparktrain.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {
  static final Config JOB = ConfigLoader.parseJob(new File("conf/fashion-mnist-sample.conf"), List.of());

  static SearchSpace space(String text) {
    return SearchSpace.of(ConfigFactory.parseString(text).resolve(), JOB, "space.conf");
  }

  static String dims(String... dims) {
    return "dimensions = [" + String.join("\n", dims) + "]";
  }

  @Test
  void parsesEveryTypeAndCondition() {
    SearchSpace s = space(dims(
        "{ key = model.updater.learningRate, type = loguniform, min = 1e-4, max = 1e-2 }",
        "{ key = architecture.dropout, type = uniform, min = 0, max = 0.5 }",
        "{ key = architecture.denseUnits, type = int, min = 32, max = 256, log = true }",
        "{ key = architecture.convStages, type = choice, values = [1, 2] }",
        "{ key = architecture.filters2, type = choice, values = [32, 64], when { key = architecture.convStages, in = [2] } }")
        + "\ntune { trials = 5, eta = 4 }");
    assertThat(s.dimensions()).hasSize(5);
    assertThat(s.dimensions().get(0)).isInstanceOf(Dimension.LogUniform.class);
    assertThat(s.dimensions().get(1)).isInstanceOf(Dimension.Uniform.class);
    assertThat(s.dimensions().get(2)).isEqualTo(new Dimension.IntRange("architecture.denseUnits", 32, 256, true,
        java.util.Optional.empty()));
    assertThat(s.dimensions().get(4).when()).contains(new Dimension.Condition("architecture.convStages", List.of(2)));
    assertThat(s.tune().trials()).isEqualTo(5);
    assertThat(s.tune().eta()).isEqualTo(4);
    assertThat(s.tune().grace()).as("the reference default").isEqualTo(1);

    Map<String, Object> values = new LinkedHashMap<>();
    values.put("architecture.convStages", 1);
    values.put("architecture.filters2", 64);
    assertThat(s.active(values)).as("filters2 applies only with 2 stages").containsOnlyKeys("architecture.convStages");
  }

  @Test
  void trialJob_generatesTheArchitectureAndKeepsTheSearchsSplitSeed() {
    SearchSpace s = space(dims(
        "{ key = architecture.convStages, type = choice, values = [1, 2] }",
        "{ key = architecture.batchNorm, type = choice, values = [false, true] }",
        "{ key = architecture.dropout, type = uniform, min = 0, max = 0.5 }",
        "{ key = model.l2, type = loguniform, min = 1e-6, max = 1e-3 }"));
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("architecture.convStages", 2);
    values.put("architecture.batchNorm", true);
    values.put("architecture.dropout", 0.25);
    values.put("model.l2", 0.0005);
    JobConfig job = ConfigLoader.fromConfig(s.trialJob(JOB, values, 1234, 9), "trial");
    assertThat(job.model().layers()).extracting(LayerSpec::type).containsExactly("conv", "batchnorm", "subsampling",
        "conv", "batchnorm", "subsampling", "dense", "dropout", "output");
    assertThat(job.model().layers().get(3).filters()).as("tune.architecture.filters[1]").isEqualTo(40);
    assertThat(job.model().layers().get(7).rate()).isEqualTo(0.25);
    assertThat(job.model().l2()).isEqualTo(0.0005);
    assertThat(job.seed()).isEqualTo(1234);
    assertThat(job.data().seed()).as("the split stays the search's").isEqualTo(42);
    assertThat(job.train().epochs()).isEqualTo(9);
  }

  @Test
  void errorsNameTheDimensionAndWhatIsWrong() {
    assertError(dims("{ key = model.learningRat, type = uniform, min = 0, max = 1 }"),
        "dimensions[0] (key = model.learningRat)", "unknown job key");
    assertError(dims("{ key = data.validationFraction, type = uniform, min = 0.1, max = 0.2 }"),
        "data.validationFraction", "a search does not vary");
    assertError(dims("{ key = train.epochs, type = int, min = 1, max = 5 }"), "train.epochs", "tune.maxEpochs");
    assertError(dims("{ key = model.l2, type = loguniform, min = 0, max = 1e-3 }"), "dimensions[0] (key = model.l2).min",
        "above 0");
    assertError(dims("{ key = model.l2, type = uniform, min = 0.1, max = 0.01 }"), ".max", "above min = 0.1");
    assertError(dims("{ key = train.batchSizePerWorker, type = int, min = 64, max = 16 }"), ".max", "at least min");
    assertError(dims("{ key = model.l2, type = normal, min = 0, max = 1 }"), ".type",
        "loguniform, uniform, int, choice");
    assertError(dims("{ key = model.activation, type = choice, values = [] }"), ".values", "is empty");
    assertError(dims("{ key = model.l2, type = uniform, min = 0, max = 2 }"), "model.l2",
        "the value 2.0 that space.conf allows is refused by the job", "must be in [0, 1]");
    assertError(dims("{ key = model.activation, type = choice, values = [relu, wobbly] }"), "model.activation",
        "wobbly");
    assertError(dims("{ key = architecture.filters9, type = choice, values = [1] }"), "architecture.filters9",
        "unknown architecture key", "filters1 .. filters4");
    assertError(dims("{ key = architecture.filters2, type = choice, values = [8], when { key = architecture.convStages, "
        + "in = [2] } }"), ".when.key", "not a dimension listed before this one");
    assertError(dims("{ key = architecture.convStages, type = choice, values = [1, 2] }",
        "{ key = architecture.filters2, type = choice, values = [8], when { key = architecture.convStages, in = [3] } }"),
        ".when.in", "3 is not a value architecture.convStages can take");
    assertError(dims("{ key = model.l2, type = uniform, min = 0, max = 0.1 }",
        "{ key = model.l2, type = uniform, min = 0, max = 0.2 }"), "dimensions[1]", "listed twice");
    assertError(dims("{ key = model.updater, type = choice, values = [1] }"), "model.updater", "a block of keys");
    assertError(dims("{ key = model.layers, type = choice, values = [[]] }",
        "{ key = architecture.dropout, type = uniform, min = 0, max = 0.5 }"), "model.layers", "not both");
    assertError("tune { trials = 3 }", "dimensions", "missing in space.conf");
    assertError("dimension = []", "dimension", "unknown key in the space file");
    assertError(dims("{ key = model.l2, type = uniform, min = 0, max = 0.1 }") + "\ntune { etta = 3 }", "tune.etta",
        "unknown key");
    assertError(dims("{ key = model.l2, type = uniform, min = 0, max = 0.1 }") + "\ntune { grace = 10, maxEpochs = 3 }",
        "tune.grace", "more than tune.maxEpochs");
    assertError(dims("{ key = model.l2, type = uniform, min = 0, max = 0.1 }") + "\ntune { scheduler = hyperband }",
        "tune.scheduler", "asha, none");
  }

  @Test
  void tuneSettings_commandLineOverSpaceFileOverJob() {
    Config job = ConfigLoader.parseJob(new File("conf/fashion-mnist-sample.conf"),
        List.of("tune.trials=11", "tune.eta=4", "tune.gridPoints=5"));
    Config space = ConfigFactory.parseString(dims("{ key = model.l2, type = uniform, min = 0, max = 0.1 }")
        + "\ntune { trials = 7, eta = 2, maxEpochs = 4 }");
    SearchSpace s = SearchSpace.of(space, job, "space.conf",
        ConfigLoader.parseOverrides(List.of("tune.trials=3", "data.trainPerClass=10")));
    assertThat(s.tune().trials()).as("--set").isEqualTo(3);
    assertThat(s.tune().eta()).as("the space file over the job").isEqualTo(2);
    assertThat(s.tune().gridPoints()).as("the job over the reference").isEqualTo(5);
    assertThat(s.tune().maxEpochs()).isEqualTo(4);
  }

  @Test
  void choicesOfWholeListsSetAugmentOpsAndModelLayers() {
    SearchSpace s = space(dims("{ key = augment.ops, type = choice, values = [[], [{ type = flip }, "
        + "{ type = shift, pixels = 2 }]] }",
        "{ key = model.layers, type = choice, values = [[{ type = dense, units = 32 }, { type = output }], "
        + "[{ type = dense, units = 8 }, { type = dense, units = 8 }, { type = output }]] }"));
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("augment.ops", ((Dimension.Choice) s.dimensions().get(0)).values().get(1));
    values.put("model.layers", ((Dimension.Choice) s.dimensions().get(1)).values().get(1));
    JobConfig job = ConfigLoader.fromConfig(s.trialJob(JOB, values, 1, 3), "trial");
    assertThat(job.augment()).extracting(AugmentSpec::type).containsExactly("flip", "shift");
    assertThat(job.model().layers()).extracting(LayerSpec::type).containsExactly("dense", "dense", "output");
    assertError(dims("{ key = augment.ops, type = choice, values = [[{ type = jitter }]] }"), "augment.ops",
        "refused by the job", "jitter is for tabular rows");
  }

  @Test
  void load_missingFileIsNamed() {
    assertThatThrownBy(() -> SearchSpace.load(new File("no/such/space.conf"), JOB))
        .isInstanceOf(ConfigException.class).hasMessageContaining("--space").hasMessageContaining("no/such/space.conf");
  }

  @Test
  void shippedSpacesLoad() {
    SearchSpace s = SearchSpace.load(new File("conf/tune/cnn-space.conf"), JOB);
    assertThat(s.dimensions()).hasSizeGreaterThan(5);
    SearchSpace grid = SearchSpace.load(new File("conf/tune/grid-space.conf"),
        ConfigLoader.parseJob(new File("conf/fashion-mnist-1k.conf"), List.of()));
    assertThat(grid.dimensions()).allMatch(Dimension::discrete);
  }

  private static void assertError(String text, String... parts) {
    assertThatThrownBy(() -> space(text)).isInstanceOf(ConfigException.class).satisfies(e -> {
      for (String p : parts) {
        assertThat(e.getMessage()).contains(p);
      }
    });
  }
}
