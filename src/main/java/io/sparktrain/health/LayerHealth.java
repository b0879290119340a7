package io.sparktrain.health;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One layer over one averaging round: the median of its sampled values (medians, so one odd minibatch
 * does not decide). NaN where the measure does not apply.
 *
 * @param layer 0-based position in model.layers
 * @param log10UpdateRatio log10 of the update:parameter ratio
 */
public record LayerHealth(int layer, String type, double gradientNorm, double log10UpdateRatio, double activationStd,
    double deadFraction) {

  /** Per-layer medians over a round's samples; empty if there were none. */
  public static List<LayerHealth> merge(List<HealthSample> samples, List<String> layerTypes) {
    List<LayerHealth> out = new ArrayList<>();
    if (samples.isEmpty()) {
      return out;
    }
    for (int i = 0; i < layerTypes.size(); i++) {
      final int l = i;
      out.add(new LayerHealth(i, layerTypes.get(i),
          median(samples.stream().mapToDouble(s -> at(s.gradientNorm(), l)).toArray()),
          Math.log10(median(samples.stream().mapToDouble(s -> at(s.updateRatio(), l)).toArray())),
          median(samples.stream().mapToDouble(s -> at(s.activationStd(), l)).toArray()),
          median(samples.stream().mapToDouble(s -> at(s.deadFraction(), l)).toArray())));
    }
    return out;
  }

  private static double at(double[] values, int i) {
    return values != null && i < values.length ? values[i] : Double.NaN;
  }

  /** Median of the non-NaN values (infinities count); NaN if there are none. */
  static double median(double[] values) {
    double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
