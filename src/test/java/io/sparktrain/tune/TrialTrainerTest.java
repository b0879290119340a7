package io.sparktrain.tune;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.data.Example;
import io.sparktrain.data.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** One trial trained without Spark, on three Gaussian blobs. */
class TrialTrainerTest {
  static final String JOB = "name = blobs\nseed = 5\n"
      + "data { format = csv, train = \"unused.csv\", numClasses = 3, normalization = none }\n"
      + "model { layers = [{ type = dense, units = 16 }, { type = output, loss = mcxent, activation = softmax }]\n"
      + "  updater { type = adam, learningRate = 0.01 } }\n"
      + "train { epochs = 6, batchSizePerWorker = 8, schedule { type = cosine, warmupEpochs = 1.0 } }\n";

  static TrialData blobs(double scale) {
    SplittableRandom rng = new SplittableRandom(3);
    List<Example> train = new ArrayList<>();
    List<Example> validation = new ArrayList<>();
    for (int i = 0; i < 180; i++) {
      int label = i % 3;
      float[] x = new float[4];
      for (int j = 0; j < 4; j++) {
        x[j] = (float) (scale * ((j == label ? 3 : 0) + rng.nextGaussian()));
      }
      (i < 120 ? train : validation).add(new Example(x, label));
    }
    return new TrialData(train, validation, Shape.features(4), 3, List.of("a", "b", "c"), null);
  }

  static String job(String extra) {
    return ConfigLoader.renderJob(ConfigFactory.parseString(JOB + extra));
  }

  @Test
  void aPausedTrialThatIsPromotedEndsExactlyWhereTrainingStraightThroughEnds() {
    TrialData data = blobs(1);
    TrialResult paused = TrialTrainer.run(new TrialTask(0, job(""), 0, 2, null), data);
    TrialResult promoted = TrialTrainer.run(new TrialTask(0, job(""), 2, 6, paused.checkpoint()), data);
    TrialResult straight = TrialTrainer.run(new TrialTask(0, job(""), 0, 6, null), data);
    assertThat(paused.failure()).isEmpty();
    assertThat(paused.epochs()).isEqualTo(2);
    assertThat(promoted.epochs()).isEqualTo(6);
    assertThat(TrialTrainer.restore(promoted.checkpoint()).params())
        .isEqualTo(TrialTrainer.restore(straight.checkpoint()).params());
    assertThat(TrialTrainer.restore(promoted.checkpoint()).getUpdater().getStateViewArray())
        .isEqualTo(TrialTrainer.restore(straight.checkpoint()).getUpdater().getStateViewArray());
    List<TrialsCsv.Epoch> joined = new ArrayList<>(paused.curve());
    joined.addAll(promoted.curve());
    assertThat(joined).extracting(e -> List.of(e.epoch(), e.trainLoss(), e.validationLoss(), e.validationAccuracy(),
        e.learningRate())).isEqualTo(straight.curve().stream().map(e -> List.of(e.epoch(), e.trainLoss(),
        e.validationLoss(), e.validationAccuracy(), e.learningRate())).toList());
    assertThat(straight.curve().get(5).validationAccuracy()).as("the blobs are separable").isGreaterThan(0.9);
    assertThat(TrialTrainer.state(promoted.checkpoint()).epochs()).isEqualTo(6);
  }

  @Test
  void withDropout_aPromotedTrialInAnotherThreadAfterOtherWorkStillMatchesTrainingStraightThrough() throws Exception {
    String dropout = job("model.layers = [{ type = dense, units = 16 }, { type = dropout, rate = 0.5 }, "
        + "{ type = output, loss = mcxent, activation = softmax }]\n");
    TrialData data = blobs(1);
    TrialResult straight = TrialTrainer.run(new TrialTask(0, dropout, 0, 4, null), data);
    TrialResult paused = TrialTrainer.run(new TrialTask(0, dropout, 0, 2, null), data);
    TrialResult[] promoted = new TrialResult[1];
    Thread other = new Thread(() -> {
      org.nd4j.linalg.factory.Nd4j.getRandom().nextDouble();
      TrialTrainer.run(new TrialTask(9, job(""), 0, 1, null), data);
      promoted[0] = TrialTrainer.run(new TrialTask(0, dropout, 2, 4, paused.checkpoint()), data);
    });
    other.start();
    other.join();
    assertThat(TrialTrainer.restore(promoted[0].checkpoint()).params())
        .isEqualTo(TrialTrainer.restore(straight.checkpoint()).params());
  }

  @Test
  void aTrialThatDivergesIsAFailedResultWithItsReason() {
    TrialResult r = TrialTrainer.run(new TrialTask(1, job("model.updater { type = sgd, learningRate = 10 }\n"), 0, 3,
        null), blobs(1e5));
    assertThat(r.failed()).isTrue();
    assertThat(r.failure()).startsWith("diverged: the mean training loss of epoch 1").contains("spikeFactor");
    assertThat(r.checkpoint()).isNull();
  }

  @Test
  void aTrialThatThrowsIsAFailedResultNamingTheException() {
    TrialResult r = TrialTrainer.run(new TrialTask(2, job(""), 1, 3, new byte[] {1, 2, 3}), blobs(1));
    assertThat(r.failed()).isTrue();
    assertThat(r.failure()).startsWith("IllegalStateException: Model wasnt found within file");
  }

  @Test
  void theJobsEarlyStoppingEndsATrialBeforeItsRung() {
    TrialResult r = TrialTrainer.run(new TrialTask(3, job("train.earlyStopping { enabled = true, metric = "
        + "validationAccuracy, patience = 1, minDelta = 0.5 }\n"), 0, 6, null), blobs(1));
    assertThat(r.failed()).isFalse();
    assertThat(r.epochs()).isEqualTo(2);
    assertThat(r.earlyStopped()).contains("validationAccuracy did not improve");
  }
}
