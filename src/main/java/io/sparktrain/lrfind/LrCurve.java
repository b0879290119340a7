package io.sparktrain.lrfind;

import java.util.Locale;

/**
 * A learning-rate range test's curve and the rate it suggests. The loss is smoothed with a
 * bias-corrected exponential moving average; the suggestion is the rate where the smoothed loss falls
 * fastest (steepest negative slope over log(rate)) before its minimum, skipping the first
 * {@link #SKIP_START} points as Lightning does. Fallback when the curve is too short or never falls:
 * a tenth of the rate at the minimum.
 */
public record LrCurve(double[] learningRates, double[] losses, double[] smoothed, double suggestion, String rule,
    double minimumLossRate, int workers) {
  static final int SKIP_START = 10;
  public static final String STEEPEST = "steepest descent of the smoothed loss before its minimum";
  public static final String MIN_OVER_10 = "a tenth of the rate at the minimum smoothed loss";

  /** Builds the curve from the mean loss per iteration; stops at the first point past divergeFactor x the best. */
  public static LrCurve of(double[] lrs, double[] losses, double smoothing, double divergeFactor, int workers) {
    int n = Math.min(lrs.length, losses.length);
    double[] smooth = new double[n];
    double avg = 0;
    double best = Double.POSITIVE_INFINITY;
    int kept = 0;
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(losses[i])) {
        break;
      }
      avg = smoothing * avg + (1 - smoothing) * losses[i];
      smooth[i] = avg / (1 - Math.pow(smoothing, i + 1));
      kept = i + 1;
      best = Math.min(best, smooth[i]);
      if (i > 0 && smooth[i] > divergeFactor * best) {
        break;
      }
    }
    double[] l = java.util.Arrays.copyOf(lrs, kept);
    double[] raw = java.util.Arrays.copyOf(losses, kept);
    double[] s = java.util.Arrays.copyOf(smooth, kept);
    if (kept == 0) {
      throw new IllegalStateException("the LR range test produced no finite loss");
    }
    int argMin = 0;
    for (int i = 1; i < kept; i++) {
      if (s[i] < s[argMin]) {
        argMin = i;
      }
    }
    double minimumRate = l[argMin];
    int steepest = -1;
    double slope = 0;
    for (int i = Math.max(1, SKIP_START); i < argMin && i + 1 < kept; i++) {
      double d = (s[i + 1] - s[i - 1]) / (Math.log(l[i + 1]) - Math.log(l[i - 1]));
      if (d < slope) {
        slope = d;
        steepest = i;
      }
    }
    if (steepest >= 0) {
      return new LrCurve(l, raw, s, l[steepest], STEEPEST, minimumRate, workers);
    }
    return new LrCurve(l, raw, s, minimumRate / 10, MIN_OVER_10, minimumRate, workers);
  }

  /** One line for the console. */
  public String describe() {
    return String.format(Locale.ROOT, "suggested learning rate %.3g (%s; minimum loss at %.3g; %d points, %d workers)",
        suggestion, rule, minimumLossRate, learningRates.length, workers);
  }

  /** CSV: iteration, learning rate, mean raw loss, smoothed loss. */
  public String csv() {
    StringBuilder b = new StringBuilder("iteration,learningRate,loss,smoothedLoss\n");
    for (int i = 0; i < learningRates.length; i++) {
      b.append(String.format(Locale.ROOT, "%d,%.6e,%.6f,%.6f%n", i, learningRates[i], losses[i], smoothed[i]));
    }
    return b.toString();
  }
}
