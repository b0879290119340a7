package io.sparktrain.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  static final File SAMPLE = new File("conf/fashion-mnist-sample.conf");

  @TempDir
  Path dir;

  private static JobConfig sample(String... overrides) {
    return ConfigLoader.load(SAMPLE, List.of(overrides));
  }

  /** The override is refused with {@code message}, which names where the bad value came from: --set. */
  private static void assertRejected(String override, String message) {
    assertThatThrownBy(() -> sample(override)).isInstanceOf(ConfigException.class).hasMessage(message + " (--set)");
  }

  @Test
  void load_sampleJob_resolvesIncludesAndDefaults() {
    JobConfig job = sample();
    assertThat(job.name()).isEqualTo("fashion-mnist-sample");
    assertThat(job.data().format()).isEqualTo("idx");
    assertThat(job.data().classNames()).hasSize(10).startsWith("T-shirt/top");
    assertThat(job.model().layers()).extracting(LayerSpec::type)
        .containsExactly("conv", "subsampling", "conv", "subsampling", "dense", "dropout", "output");
    assertThat(job.model().layers().get(0).key()).isEqualTo("model.layers[0]");
    assertThat(job.train().saveUpdater()).isTrue();
    assertThat(job.spark().master()).isEqualTo("local[2]");
  }

  @Test
  void load_everyShippedJob_isValid() {
    // Every job file shipped in conf/ and conf/diagnostics/ (reference.conf is the defaults; models/, tune/
    // and the diagnostics' *-data.conf files hold parts that jobs include).
    List<String> jobs = new java.util.ArrayList<>();
    for (String folder : List.of("conf", "conf/diagnostics")) {
      for (File f : java.util.Objects.requireNonNull(new File(folder).listFiles())) {
        if (f.getName().endsWith(".conf") && !f.getName().endsWith("-data.conf")
            && !List.of("reference.conf", "spark-defaults.conf").contains(f.getName())) {
          jobs.add(f.getPath().substring("conf/".length()));
        }
      }
    }
    assertThat(jobs).contains("fashion-mnist-best.conf", "diagnostics/plateau.conf", "diagnostics/rnn-lstm.conf")
        .hasSizeGreaterThan(10);
    for (String name : jobs) {
      assertThat(ConfigLoader.load(new File("conf", name), List.of()).name()).as(name).isNotBlank();
    }
    JobConfig small = ConfigLoader.load(new File("conf/fashion-mnist-1k.conf"), List.of());
    JobConfig augmented = ConfigLoader.load(new File("conf/fashion-mnist-1k-augmented.conf"), List.of());
    assertThat(augmented.model()).as("the overfitting benchmark compares the same network").isEqualTo(small.model());
    assertThat(augmented.train().epochs()).isEqualTo(small.train().epochs());
    assertThat(augmented.train().schedule()).isEqualTo(small.train().schedule());
    assertThat(small.augment()).isEmpty();
    assertThat(augmented.augment()).isNotEmpty();
  }

  @Test
  void load_overrides_winOverTheFile() {
    JobConfig job = sample("train.epochs=20", "model.updater.learningRate=0.01", "data.classNames=[]",
        "data.numClasses=10", "spark.conf.spark.executor.memory=4g");
    assertThat(job.train().epochs()).isEqualTo(20);
    assertThat(job.model().updater().learningRate()).isEqualTo(0.01);
    assertThat(job.data().classNames()).isEmpty();
    assertThat(job.spark().conf()).containsEntry("spark.executor.memory", "4g");
  }

  @Test
  void load_uriWithDoubleSlash_keptWhole() {
    JobConfig job = sample("data.train=hdfs://namenode:8020/data/train.gz");
    assertThat(job.data().train()).isEqualTo("hdfs://namenode:8020/data/train.gz");
  }

  @Test
  void validate_epochsZero_namesKeyRangeAndValue() {
    assertRejected("train.epochs=0", "train.epochs: must be between 1 and 100000, found 0");
  }

  @Test
  void validate_notANumber_saysWhatWasExpected() {
    assertRejected("train.batchSizePerWorker=lots", "train.batchSizePerWorker: expected a whole number, found 'lots'");
  }

  @Test
  void validate_negativeLearningRate_rejected() {
    assertRejected("model.updater.learningRate=-0.1", "model.updater.learningRate: must be in (0, 10], found -0.1");
  }

  @Test
  void trainingHealthKeys_defaultsAndValidation() {
    JobConfig job = sample();
    assertThat(job.train().learningRate(job.model().updater())).isEqualTo(0.001);
    assertThat(job.train().autoLearningRate()).isFalse();
    assertThat(job.train().guard().enabled()).isTrue();
    assertThat(job.train().earlyStopping().enabled()).isFalse();
    assertThat(job.train().schedule().type()).isEqualTo("none");
    assertThat(job.model().gradientNormalization()).isEqualTo("auto");
    assertThat(job.health().sampleEvery()).isEqualTo(10);
    assertThat(job.lrFind().iterations()).isEqualTo(200);
    assertThat(sample("train.learningRate=AUTO").train().autoLearningRate()).isTrue();
    assertThat(sample("train.learningRate=0.01").train().learningRate(job.model().updater())).isEqualTo(0.01);
    assertRejected("train.learningRate=fast",
        "train.learningRate: must be empty (model.updater.learningRate applies), a number or auto, found 'fast'");
    assertRejected("train.schedule.type=linear",
        "train.schedule.type: must be one of none, step, exponential, cosine, onecycle, plateau, sgdr, found 'linear'");
    assertThat(job.train().stall().action()).isEqualTo(StallConfig.Action.BOOST);
    assertThat(job.health().stall().window()).isEqualTo(15);
    assertThat(sample("train.stall.action=restart", "train.schedule.type=sgdr").train().stall().action())
        .isEqualTo(StallConfig.Action.RESTART);
    assertRejected("train.stall.action=restart", "train.stall.action: is restart, which restarts the cycle of warm "
        + "restarts: it needs train.schedule.type = sgdr, found 'none' (use boost with any other schedule)");
    assertRejected("train.stall.action=jump", "train.stall.action: must be one of none, boost, restart, found 'jump'");
    assertRejected("health.stall.window=2", "health.stall.window: must be between 3 and 100000, found 2");
    assertRejected("train.earlyStopping.metric=f1",
        "train.earlyStopping.metric: must be one of validationLoss, validationAccuracy, found 'f1'");
    assertRejected("model.gradientNormalization=clip",
        "model.gradientNormalization: must be one of auto, none, renormalize-l2-per-layer, renormalize-l2-per-param-type, "
            + "clip-element-wise, clip-l2-per-layer, clip-l2-per-param-type, found 'clip'");
    assertRejected("lrFind.maxLearningRate=1e-8", "lrFind.maxLearningRate: must be in (1.0E-7, 100], found 1.0E-8");
  }

  @Test
  void validate_unknownUpdater_listsChoices() {
    assertRejected("model.updater.type=adamx",
        "model.updater.type: must be one of adam, nadam, amsgrad, nesterovs, sgd, rmsprop, adagrad, found 'adamx'");
  }

  @Test
  void validate_unknownKey_suggestsNearest() {
    assertThatThrownBy(() -> sample("train.epoch=3")).isInstanceOf(ConfigException.class)
        .hasMessage("train.epoch: unknown key (--set); did you mean train.epochs?; every key is listed in"
            + " conf/reference.conf");
  }

  @Test
  void validate_unknownFormat_listsFormats() {
    assertRejected("data.format=xls",
        "data.format: must be one of idx, csv, parquet, images, sequence-csv, sequence-files, sequence-parquet, generated, found 'xls'");
  }

  @Test
  void validate_fractionOutOfRange_rejected() {
    assertRejected("data.validationFraction=0", "data.validationFraction: must be in (0, 0.5], found 0");
  }

  @Test
  void validate_classNamesCount_mustMatchNumClasses() {
    assertThatThrownBy(() -> sample("data.numClasses=5")).isInstanceOf(ConfigException.class)
        .hasMessage("data.classNames: has 10 names but data.numClasses = 5; give one name per class or none"
            + " (conf/fashion-mnist-sample.conf:11)");
  }

  @Test
  void validate_idxWithoutLabels_rejected() {
    assertRejected("data.trainLabels=",
        "data.trainLabels: is empty; expected the labels file that goes with data.train (idx format)");
  }

  @Test
  void validate_badBoolean_rejected() {
    assertRejected("train.saveUpdater=maybe", "train.saveUpdater: expected true or false, found 'maybe'");
  }

  @Test
  void validate_layerKeyUnknown_namesLayer() {
    assertRejected("model.layers=[{type = dense, unit = 3}, {type = output}]",
        "model.layers[0].unit: unknown layer key; a layer takes activation, filters, forgetGateBias, kernel, loss,"
            + " mode, padding, pooling, rate, recurrentGain, stride, type, units, vocabulary, weightInit, wraps");
  }

  @Test
  void validate_layerType_unknown() {
    assertRejected("model.layers=[{type = gru}, {type = output}]",
        "model.layers[0].type: must be one of dense, conv, subsampling, batchnorm, dropout, output, lstm, simplernn,"
            + " bidirectional, lasttimestep, rnnoutput, conv1d, subsampling1d, embedding, globalpooling, found 'gru'");
  }

  @Test
  void validate_outputNotLast_rejected() {
    assertRejected("model.layers=[{type = output}, {type = dense, units = 3}]",
        "model.layers[0].type: an output layer must be the last layer, but layer 0 of 2 is one");
  }

  @Test
  void validate_lastNotOutput_rejected() {
    assertRejected("model.layers=[{type = dense, units = 3}]",
        "model.layers[0].type: the last layer must be of type output (or rnnoutput for a prediction per time step),"
            + " found 'dense'");
  }

  @Test
  void validate_noLayers_rejected() {
    assertRejected("model.layers=[]",
        "model.layers: is empty; list the layers, or include a stack such as \"models/mlp.conf\"");
  }

  @Test
  void validate_dropoutRate_rejected() {
    assertRejected("model.layers=[{type = dropout, rate = 1.5}, {type = output}]",
        "model.layers[0].rate: must be in [0, 0.99], found 1.5");
  }

  @Test
  void validate_denseWithoutUnits_rejected() {
    assertRejected("model.layers=[{type = dense}, {type = output}]",
        "model.layers[0].units: must be between 1 and 1000000, found 0");
  }

  @Test
  void validate_kernel_needsTwoPositiveNumbers() {
    assertRejected("model.layers=[{type = conv, filters = 4, kernel = [0, 3]}, {type = output}]",
        "model.layers[0].kernel: expected two positive whole numbers like [5, 5], found [0, 3]");
  }

  @Test
  void validate_activation_unknown() {
    assertRejected("model.layers=[{type = dense, units = 4, activation = rulu}, {type = output}]",
        "model.layers[0].activation: must be one of relu, leakyrelu, tanh, sigmoid, elu, selu, gelu, swish, identity,"
            + " softmax, found 'rulu'");
  }

  @Test
  void validate_outputUnits_mustMatchClasses() {
    assertRejected("model.layers=[{type = output, units = 3}]",
        "model.layers[0].units: is 3 but data.numClasses = 10; leave units out of the output layer, or make them equal");
  }

  @Test
  void testTime_offByDefault_onlyForImages_andNeedsAFlipOrShift() {
    assertThat(sample().testTime()).isEqualTo(new TestTimeConfig(false, 1));
    JobConfig on = sample("augment.ops=[{type = flip}]", "augment.testTime.enabled=true", "augment.testTime.shiftPixels=2");
    assertThat(on.testTime()).isEqualTo(new TestTimeConfig(true, 2));
    assertThatThrownBy(() -> sample("augment.ops=[{type = erase}]", "augment.testTime.enabled=true"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("augment.testTime.enabled: its views follow the training pipeline's flip and shift, but augment.ops "
            + "has neither; add { type = flip } or { type = shift } to augment.ops, or turn test-time augmentation off"
            + " (--set)");
    assertThatThrownBy(() -> ConfigLoader.load(new File("conf/breast-cancer-csv.conf"),
        List.of("augment.ops=[{type = mixup}]", "augment.testTime.enabled=true")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("augment.testTime.enabled: test-time augmentation needs image input, but data.format = csv (--set)");
    assertRejected("augment.testTime.shiftPixels=-1",
        "augment.testTime.shiftPixels: must be between 0 and 1000, found -1");
  }

  @Test
  void validate_convOnTabularData_rejected() {
    assertThatThrownBy(() -> ConfigLoader.load(new File("conf/breast-cancer-csv.conf"),
        List.of("model.layers=[{type = conv, filters = 2}, {type = output}]")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("model.layers[0].type: a conv layer needs image input (data.format = idx or images, or parquet "
            + "with data.parquet.imageShape), but the data are tabular rows; use dense layers for tabular data (--set)");
  }

  @Test
  void validate_csvLabelNameWithoutHeader_rejected() {
    assertThatThrownBy(() -> ConfigLoader.load(new File("conf/breast-cancer-csv.conf"),
        List.of("data.csv.header=false")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("data.csv.label: 'diagnosis' is a column name, but data.csv.header = false; give a 0-based column"
            + " index (conf/breast-cancer-csv.conf:7)");
  }

  @Test
  void validate_delimiter_oneCharacter() {
    assertThatThrownBy(() -> ConfigLoader.load(new File("conf/breast-cancer-csv.conf"),
        List.of("data.csv.delimiter=;;")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("data.csv.delimiter: must be one character, found ';;' (--set)");
  }

  @Test
  void overrides_withoutEquals_rejected() {
    assertThatThrownBy(() -> sample("train.epochs")).isInstanceOf(ConfigException.class)
        .hasMessage("--set: expected key=value, found 'train.epochs'");
  }

  @Test
  void load_missingFile_namesIt() {
    assertThatThrownBy(() -> ConfigLoader.load(new File("conf/nope.conf"), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--config: file not found: conf/nope.conf");
  }

  @Test
  void load_syntaxError_namesFile() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.conf"), "train { epochs = \n");
    assertThatThrownBy(() -> ConfigLoader.load(bad.toFile(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--config: cannot parse " + bad);
  }

  @Test
  void load_environmentSubstitution_resolves() {
    String home = System.getenv("PATH");
    JobConfig job = ConfigLoader.fromConfig(ConfigFactory.parseString(
        "data { format = csv, train = ${?PATH}, csv.label = \"0\" }\n"
            + "model.layers = [{type = output}]\n"), "test");
    assertThat(job.data().train()).isEqualTo(home);
  }

  @Test
  void renderRedacted_masksSecrets() {
    JobConfig job = sample("spark.conf.spark.hadoop.fs.s3a.secret.key=hunter2",
        "spark.conf.spark.hadoop.fs.s3a.access.key=AKIA123");
    String text = ConfigLoader.renderRedacted(job.resolved());
    assertThat(text).doesNotContain("hunter2").doesNotContain("AKIA123").contains(Redaction.MASK);
  }

  /** A job that starts from the sample job (its includes resolved next to it). */
  static final String SAMPLE_INCLUDE = "include file(\"" + SAMPLE.getAbsolutePath() + "\")\n";

  private File job(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text).toFile();
  }

  @Test
  void missingInclude_failsAtTheIncludeNamingBothFiles() throws IOException {
    File job = job("job.conf", "include \"models/cnn-smal.conf\"\ndata.train = x.csv\n");
    assertThatThrownBy(() -> ConfigLoader.load(job, List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--config: cannot parse " + job.getPath())
        .hasMessageContaining("cnn-smal.conf")
        .hasMessageNotContaining("layers");
  }

  @Test
  void wrongTypeInAnIncludedFile_namesThatFileAndLine() throws IOException {
    Files.createDirectories(dir.resolve("parts"));
    job("parts/train.conf", "train {\n  epochs = many\n}\n");
    File job = job("job.conf", SAMPLE_INCLUDE + "include \"parts/train.conf\"\n");
    assertThatThrownBy(() -> ConfigLoader.load(job, List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("train.epochs: ")
        .hasMessageEndingWith("(" + dir.resolve("parts/train.conf") + ":2)");
  }

  @Test
  void unknownKeyInAnIncludedFile_namesThatFileAndLine() throws IOException {
    job("extra.conf", "train.epoch = 3\n");
    File job = job("job.conf", "data.train = x.csv\ninclude \"extra.conf\"\n");
    assertThatThrownBy(() -> ConfigLoader.load(job, List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("train.epoch: unknown key (" + dir.resolve("extra.conf") + ":1); did you mean train.epochs?;"
            + " every key is listed in conf/reference.conf");
  }

  @Test
  void misspeltSection_isNamedAsASection() throws IOException {
    File job = job("job.conf", "data.train = x.csv\ntrian {\n  epochs = 3\n}\n");
    assertThatThrownBy(() -> ConfigLoader.load(job, List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("trian.epochs: unknown section 'trian' (" + job.getPath() + ":3); did you mean"
            + " train.epochs?; the sections are ");
  }

  @Test
  void valueWhereASectionBelongs_saysSo() throws IOException {
    File job = job("job.conf", SAMPLE_INCLUDE + "train.earlyStopping = true\n");
    assertThatThrownBy(() -> ConfigLoader.load(job, List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("train.earlyStopping: expected a section { ... }, found true (" + job.getPath() + ":2); see"
            + " conf/reference.conf for the keys it holds");
  }

  @Test
  void badValueFromSet_saysSo() throws IOException {
    File job = job("job.conf", SAMPLE_INCLUDE);
    assertThatThrownBy(() -> ConfigLoader.load(job, List.of("train.epochs=lots")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("train.epochs: ").hasMessageEndingWith("(--set)");
  }

  @Test
  void valueFromAnUnsetVariable_saysTheVariableIsUnset() throws IOException {
    File job = job("job.conf", "data.format = csv\ndata.train = ${?SPARKTRAIN_TEST_UNSET_DATA}\n");
    assertThat(System.getenv("SPARKTRAIN_TEST_UNSET_DATA")).isNull();
    assertThatThrownBy(() -> ConfigLoader.load(job, List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("data.train: is empty; ")
        .hasMessageEndingWith(" (data.train = ${?SPARKTRAIN_TEST_UNSET_DATA} in " + job.getPath() + ":2, and"
            + " SPARKTRAIN_TEST_UNSET_DATA is not set in the environment, so the default applied)");
  }
}
