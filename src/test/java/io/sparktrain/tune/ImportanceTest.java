package io.sparktrain.tune;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.config.Dimension;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ImportanceTest {
  @Test
  void theDimensionThatDecidesTheScoreExplainsMostOfIt() {
    List<Dimension> dims = List.of(new Dimension.LogUniform("lr", 1e-4, 1e-2, Optional.empty()),
        new Dimension.Choice("act", List.of("relu", "elu", "tanh"), Optional.empty()),
        new Dimension.Uniform("noise", 0, 1, Optional.empty()));
    SplittableRandom rng = new SplittableRandom(1);
    Map<Integer, Map<String, Object>> values = new LinkedHashMap<>();
    Map<Integer, Double> scores = new LinkedHashMap<>();
    for (int i = 0; i < 40; i++) {
      double lr = Math.exp(Math.log(1e-4) + rng.nextDouble() * Math.log(100));
      String act = List.of("relu", "elu", "tanh").get(rng.nextInt(3));
      values.put(i, Map.of("lr", lr, "act", act, "noise", rng.nextDouble()));
      scores.put(i, 0.5 + 0.05 * Math.log10(lr) + (act.equals("tanh") ? -0.02 : 0) + rng.nextGaussian() * 0.002);
    }
    List<Importance.Share> shares = Importance.of(dims, values, scores);
    assertThat(shares).extracting(Importance.Share::key).containsExactly("lr", "act", "noise");
    assertThat(shares.get(0).share()).isGreaterThan(0.8);
    assertThat(shares.get(2).share()).isLessThan(0.1);
  }

  @Test
  void tooFewTrialsGiveNoShare() {
    List<Dimension> dims = List.of(new Dimension.Uniform("x", 0, 1, Optional.empty()));
    assertThat(Importance.of(dims, Map.of(0, Map.of("x", 0.1), 1, Map.of("x", 0.2)), Map.of(0, 0.1, 1, 0.2))).isEmpty();
  }

  @Test
  void ranks_giveTiesTheirMeanRank() {
    assertThat(Importance.ranks(new double[] {3, 1, 3, 2})).containsExactly(3.5, 1, 3.5, 2);
  }
}
