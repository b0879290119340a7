package io.sparktrain.tune;

import io.sparktrain.config.Dimension;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which dimensions mattered: for each dimension, the share of the variance of the trials' scores at
 * the first rung (where every trial that did not fail reported) that it explains. A choice's share is
 * the correlation ratio η² (variance between its values' mean scores over the total variance); a
 * numeric dimension's is the squared Spearman rank correlation with the score (monotone effects, on
 * any scale). Each is computed over the trials in which the dimension applied. It is a screening
 * measure on few trials, not a causal one: with under 5 trials it is not given.
 */
public final class Importance {
  public static final String METHOD = "share of the variance of first-rung scores explained: η² (correlation ratio) "
      + "for choices, squared Spearman rank correlation for numeric dimensions";
  static final int MIN_TRIALS = 5;

  private Importance() {}

  /** One dimension's share, with the trials it was computed over. */
  public record Share(String key, double share, int trials) {}

  public static List<Share> of(List<Dimension> dims, Map<Integer, Map<String, Object>> values,
      Map<Integer, Double> scores) {
    List<Share> out = new ArrayList<>();
    for (Dimension d : dims) {
      List<Object> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      scores.forEach((trial, score) -> {
        Object v = values.getOrDefault(trial, Map.of()).get(d.key());
        if (v != null && !Double.isNaN(score)) {
          xs.add(v);
          ys.add(score);
        }
      });
      if (ys.size() < MIN_TRIALS) {
        continue;
      }
      boolean numeric = !(d instanceof Dimension.Choice) && xs.stream().allMatch(x -> x instanceof Number);
      out.add(new Share(d.key(), numeric ? spearmanSquared(xs, ys) : etaSquared(xs, ys), ys.size()));
    }
    out.sort(Comparator.comparingDouble(Share::share).reversed());
    return out;
  }

  static double etaSquared(List<Object> xs, List<Double> ys) {
    double mean = ys.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double total = ys.stream().mapToDouble(y -> (y - mean) * (y - mean)).sum();
    if (total == 0) {
      return 0;
    }
    Map<String, double[]> groups = new HashMap<>();
    for (int i = 0; i < xs.size(); i++) {
      double[] g = groups.computeIfAbsent(String.valueOf(xs.get(i)), k -> new double[2]);
      g[0] += ys.get(i);
      g[1]++;
    }
    double between = 0;
    for (double[] g : groups.values()) {
      double m = g[0] / g[1];
      between += g[1] * (m - mean) * (m - mean);
    }
    return between / total;
  }

  static double spearmanSquared(List<Object> xs, List<Double> ys) {
    double[] rx = ranks(xs.stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray());
    double[] ry = ranks(ys.stream().mapToDouble(Double::doubleValue).toArray());
    double r = pearson(rx, ry);
    return Double.isNaN(r) ? 0 : r * r;
  }

  /** Ranks from 1, ties given their mean rank. */
  static double[] ranks(double[] v) {
    Integer[] idx = new Integer[v.length];
    for (int i = 0; i < v.length; i++) {
      idx[i] = i;
    }
    java.util.Arrays.sort(idx, Comparator.comparingDouble(i -> v[i]));
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; ) {
      int j = i;
      while (j + 1 < v.length && v[idx[j + 1]] == v[idx[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        r[idx[k]] = rank;
      }
      i = j + 1;
    }
    return r;
  }

  static double pearson(double[] a, double[] b) {
    double ma = java.util.Arrays.stream(a).average().orElse(0);
    double mb = java.util.Arrays.stream(b).average().orElse(0);
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
  }
}
