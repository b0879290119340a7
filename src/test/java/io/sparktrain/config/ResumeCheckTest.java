package io.sparktrain.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResumeCheckTest {
  private static JobConfig job(String... sets) {
    return ConfigLoader.load(new File("conf/fashion-mnist-sample.conf"), List.of(sets));
  }

  /** What a run's config.resolved.conf holds. */
  private static String started(String... sets) {
    return ConfigLoader.renderRedacted(job(sets).resolved());
  }

  @Test
  void sameJob_noDifference() {
    assertThat(ResumeCheck.differences(started(), job())).isEmpty();
  }

  @Test
  void learningKeys_differ_withBothValues() {
    assertThat(ResumeCheck.differences(started(), job("model.l2=0.01", "train.batchSizePerWorker=16")))
        .containsExactly("model.l2: 0.0001 when the run started, 0.01 now",
            "train.batchSizePerWorker: 32 when the run started, 16 now");
  }

  @Test
  void safeKeys_mayChange() {
    assertThat(ResumeCheck.differences(started(), job("train.epochs=20", "spark.master=local[1]",
        "checkpoint.everyRounds=3", "name=renamed", "data.train=hdfs://nn/moved.gz", "health.sampleEvery=5")))
        .isEmpty();
  }

  @Test
  void numbers_sameValueInAnotherForm_isTheSame() {
    assertThat(ResumeCheck.differences(started("model.l2=1e-4"), job("model.l2=0.00010"))).isEmpty();
  }

  @Test
  void secrets_comparedMasked_soRotatedCredentialsResume() {
    assertThat(ResumeCheck.differences(started("spark.conf.spark.hadoop.fs.s3a.secret.key=old"),
        job("spark.conf.spark.hadoop.fs.s3a.secret.key=new"))).isEmpty();
  }

  @Test
  void layers_changed_namedAsOneKey() {
    assertThat(ResumeCheck.differences(started(), job("model.layers=[{type = dense, units = 10}, {type = output}]")))
        .singleElement().asString().startsWith("model.layers: [");
  }

  @Test
  void check_refusesNamingTheKeyAndWhatMayChange() {
    assertThatThrownBy(() -> ResumeCheck.check(started(), job("model.updater.learningRate=0.01"), "runs/a"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("model.updater.learningRate: the job differs from the one the run in runs/a started")
        .hasMessageContaining("0.001 when the run started, 0.01 now")
        .hasMessageContaining("keys that may change: name, output, train.epochs");
  }
}
