package io.sparktrain.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class LayerHealthTest {
  @Test
  void merge_takesPerLayerMediansAndLog10OfTheRatio() {
    double nan = Double.NaN;
    HealthSample a = new HealthSample(new double[] {1, nan}, new double[] {1e-3, nan}, new double[] {0.5, 0.1},
        new double[] {0.0, nan}, false, 1.0);
    HealthSample b = new HealthSample(new double[] {3, nan}, new double[] {1e-3, nan}, new double[] {0.7, 0.3},
        new double[] {0.5, nan}, false, 1.0);
    HealthSample c = new HealthSample(new double[] {100, nan}, new double[] {1e-3, nan}, new double[] {0.6, 0.2},
        new double[] {0.25, nan}, false, 1.0);
    List<LayerHealth> merged = LayerHealth.merge(List.of(a, b, c), List.of("dense", "dropout"));
    assertThat(merged).hasSize(2);
    assertThat(merged.get(0).gradientNorm()).isEqualTo(3.0);
    assertThat(merged.get(0).log10UpdateRatio()).isCloseTo(-3, within(1e-9));
    assertThat(merged.get(0).deadFraction()).isEqualTo(0.25);
    assertThat(merged.get(1).gradientNorm()).isNaN();
    assertThat(merged.get(1).activationStd()).isCloseTo(0.2, within(1e-12));
    assertThat(LayerHealth.merge(List.of(), List.of("dense"))).isEmpty();
  }

  @Test
  void deadFraction_countsUnitsThatAreZeroForEveryExample() {
    // 3 examples x 4 units: unit 1 and unit 3 never fire.
    var a = Nd4j.create(new double[][] {{1, 0, 0, 0}, {0, 0, 2, 0}, {0.5, 0, 0, 0}});
    assertThat(HealthListener.deadFraction(a)).isEqualTo(0.5);
    // 2 examples x 2 channels x 2 x 2: channel 0 fires somewhere, channel 1 never.
    var conv = Nd4j.zeros(2, 2, 2, 2);
    conv.putScalar(new long[] {1, 0, 1, 1}, 3.0);
    assertThat(HealthListener.deadFraction(conv)).isEqualTo(0.5);
  }

  @Test
  void layerOf_readsTheLayerIndexOfAParameterKey() {
    assertThat(HealthListener.layerOf("0_W")).isZero();
    assertThat(HealthListener.layerOf("12_b")).isEqualTo(12);
    assertThat(HealthListener.layerOf("W")).isEqualTo(-1);
  }
}
