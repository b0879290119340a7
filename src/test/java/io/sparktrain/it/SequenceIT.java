package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The recurrent demonstrations in conf/diagnostics/ on a real local Spark: a simple RNN on a 100-step
 * recall fails and is told why (vanishing through time), an LSTM learns it and hears nothing; a simple RNN
 * started with large recurrent weights explodes through time, and trains with the default clipping.
 */
class SequenceIT {
  @org.junit.jupiter.api.io.TempDir
  static java.nio.file.Path dir;

  private static TrainingHealthIT.Run train(String name, io.sparktrain.config.JobConfig job) {
    return TrainingHealthIT.train(dir, name, job);
  }

  private static List<String> kinds(TrainingHealthIT.Run run) throws Exception {
    List<String> out = new ArrayList<>();
    run.summary().get("health").get("diagnoses").forEach(d -> out.add(d.get("kind").asText()));
    return out;
  }

  @Test
  void simpleRnn_onA100StepRecall_staysAtChance_andReportsVanishingThroughTime() throws Exception {
    TrainingHealthIT.Run run = train("rnn-vanishing", TrainingHealthIT.job("rnn-vanishing"));
    assertThat(run.failure()).as(run.console()).isNull();
    assertThat(run.result().testAccuracy()).as(run.console()).isLessThan(0.33);
    JsonNode d = null;
    for (JsonNode n : run.summary().get("health").get("diagnoses")) {
      if (n.get("kind").asText().equals("vanishing-through-time")) {
        d = n;
      }
    }
    assertThat(d).as(run.console()).isNotNull();
    assertThat(d.get("layers").get(0).asInt()).isEqualTo(1);
    assertThat(d.get("value").asDouble()).isLessThan(1e-6);
    assertThat(d.get("message").asText()).startsWith("layer 1 (simplernn): gradients vanish through time: the "
        + "gradient at step 1 is ").contains("of that at step 100", "cannot learn dependencies longer than about",
        "Use lstm");
    assertThat(run.console()).contains("health: layer 1 (simplernn): gradients vanish through time");
    List<JsonNode> steps = run.metrics("stepGradient");
    assertThat(steps).isNotEmpty().allSatisfy(s -> {
      assertThat(s.get("layerType").asText()).isEqualTo("simplernn");
      assertThat(s.get("steps")).hasSize(100);
    });
    String report = Files.readString(run.dir().resolve("report.html"));
    assertThat(report).contains("id=\"chart-step-gradient\"", "gradients vanish through time");
  }

  @Test
  void lstm_onTheSameTask_learnsIt_andReportsNothing() throws Exception {
    TrainingHealthIT.Run run = train("rnn-lstm", TrainingHealthIT.job("rnn-lstm"));
    assertThat(run.failure()).as(run.console()).isNull();
    assertThat(run.result().testAccuracy()).as(run.console()).isGreaterThan(0.45);
    assertThat(kinds(run)).as(run.console()).isEmpty();
  }

  @Test
  void largeRecurrentWeights_withoutClipping_explodeThroughTime_andWithTheDefaultClippingTrain() throws Exception {
    TrainingHealthIT.Run unclipped = train("rnn-exploding", TrainingHealthIT.job("rnn-exploding"));
    assertThat(unclipped.failure()).as(unclipped.console()).isNull();
    assertThat(kinds(unclipped)).as(unclipped.console()).contains("exploding-through-time");
    assertThat(unclipped.console()).contains("gradients explode through time", "recurrentGain, now 4.0",
        "clip gradients");
    TrainingHealthIT.Run clipped = train("rnn-exploding-clipped",
        TrainingHealthIT.job("rnn-exploding", "model.gradientNormalization=auto"));
    assertThat(clipped.failure()).as(clipped.console()).isNull();
    assertThat(unclipped.result().testAccuracy()).as(unclipped.console()).isLessThan(0.32);
    assertThat(clipped.result().testAccuracy()).as(clipped.console())
        .isGreaterThan(unclipped.result().testAccuracy() + 0.06);
  }
}
