package io.sparktrain.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrialsCsvTest {
  @Test
  void trials_roundTrip_withEveryKindOfValue() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("model.updater.learningRate", 3.0e-4);
    values.put("architecture.denseUnits", 128);
    values.put("architecture.activation", "leakyrelu");
    values.put("architecture.batchNorm", true);
    values.put("augment.ops", List.of(Map.of("type", "shift", "pixels", 2), Map.of("type", "flip")));
    TrialRecord a = new TrialRecord(0, values, 123456789L, TrialRecord.Status.STOPPED, 0, 1, 1, 0.71, 0.71, 0.83,
        1.1, 12.5, 1, "1@host/42", "stopped early by ASHA at rung 0 (1 epochs): not in the top 1/3, \"quoted\"");
    Map<String, Object> fewer = new LinkedHashMap<>(values);
    fewer.remove("architecture.batchNorm");
    TrialRecord b = new TrialRecord(1, fewer, 5, TrialRecord.Status.FAILED, -1, 0, 1, Double.NaN, Double.NaN,
        Double.NaN, Double.NaN, 0.5, 2, "", "diverged: the training loss became NaN");
    List<String> dims = List.of("model.updater.learningRate", "architecture.denseUnits", "architecture.activation",
        "architecture.batchNorm", "augment.ops");
    String text = TrialsCsv.write(List.of(a, b), dims);
    assertThat(TrialsCsv.read(text)).containsExactly(a, b);
    assertThat(TrialsCsv.dimensions(text)).isEqualTo(dims);
    assertThat(text.lines().findFirst().orElseThrow()).startsWith("trial,status,rung,epochs,metric,");
  }

  @Test
  void curves_roundTrip() {
    List<TrialsCsv.Epoch> e = List.of(new TrialsCsv.Epoch(3, 1, 1.2, 0.9, 0.7, 1e-3, 4.5),
        new TrialsCsv.Epoch(3, 2, 0.8, Double.NaN, 0.75, 1e-3, 4.4));
    assertThat(TrialsCsv.readCurves(TrialsCsv.writeCurves(e))).isEqualTo(e);
  }

  @Test
  void aFileThatIsNotATrialsCsvIsNamedAsSuch() {
    assertThatThrownBy(() -> TrialsCsv.read("a,b\n1,2\n")).hasMessageContaining("not a trials.csv");
  }
}
