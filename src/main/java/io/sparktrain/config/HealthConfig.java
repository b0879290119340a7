package io.sparktrain.config;

/**
 * Gradient health ({@code health}): what the workers sample, and the thresholds of the diagnoses.
 * conf/reference.conf says why each threshold has its value.
 */
public record HealthConfig(
    boolean enabled,
    int sampleEvery,
    int consecutive,
    double vanishingRatio,
    double vanishingRelativeNorm,
    double explodingRatio,
    double explodingGrowth,
    int growthWindow,
    double deadReluFraction,
    Stall stall,
    Time time) {

  /**
   * Gradients through time ({@code health.time}), for networks of sequences: the gradient reaching the first
   * time step over the one at the last, below {@code vanishingRatio} or above {@code explodingRatio} for
   * {@code consecutive} rounds; the horizon reported is where the gradient falls below {@code horizonFraction}
   * of the last step's.
   */
  public record Time(double vanishingRatio, double explodingRatio, double horizonFraction) {
    public Time {
      Check.range("health.time.vanishingRatio", vanishingRatio, 0, true, 1);
      Check.range("health.time.explodingRatio", explodingRatio, 1, true, 1e300);
      Check.range("health.time.horizonFraction", horizonFraction, 0, true, 1);
    }
  }

  /** Without the through-time thresholds' own values (tests of the other rules). */
  public HealthConfig(boolean enabled, int sampleEvery, int consecutive, double vanishingRatio,
      double vanishingRelativeNorm, double explodingRatio, double explodingGrowth, int growthWindow,
      double deadReluFraction, Stall stall) {
    this(enabled, sampleEvery, consecutive, vanishingRatio, vanishingRelativeNorm, explodingRatio, explodingGrowth,
        growthWindow, deadReluFraction, stall, new Time(1e-6, 1e4, 1e-3));
  }

  /**
   * The stall rule ({@code health.stall}): the training loss over the last {@code window} kept rounds is
   * flat when its fitted fall is less than {@code noiseZ} standard errors of the slope, or less than
   * {@code minRelativeDrop} of its mean. A flat loss above {@code highLossFraction} of the untrained
   * network's loss is a stall: the rate is too small when the network's median update:parameter ratio is
   * below {@code lowUpdateRatio}, else a saddle or a poor start. A flat loss below it is convergence when
   * the validation loss has not improved either for {@code validationEpochs} epochs.
   */
  public record Stall(int window, double noiseZ, double minRelativeDrop, double highLossFraction,
      double lowUpdateRatio, int validationEpochs) {
    public Stall {
      Check.range("health.stall.window", window, 3, 100_000);
      Check.range("health.stall.noiseZ", noiseZ, 0, false, 100);
      Check.range("health.stall.minRelativeDrop", minRelativeDrop, 0, false, 1);
      Check.range("health.stall.highLossFraction", highLossFraction, 0, true, 10);
      Check.range("health.stall.lowUpdateRatio", lowUpdateRatio, 0, true, 1);
      Check.range("health.stall.validationEpochs", validationEpochs, 1, 100_000);
    }
  }

  public HealthConfig {
    Check.range("health.sampleEvery", sampleEvery, 1, 1_000_000);
    Check.range("health.consecutive", consecutive, 1, 10_000);
    Check.range("health.vanishingRatio", vanishingRatio, 0, true, 1);
    Check.range("health.vanishingRelativeNorm", vanishingRelativeNorm, 0, true, 1);
    Check.range("health.explodingRatio", explodingRatio, 0, true, 1e6);
    Check.range("health.explodingGrowth", explodingGrowth, 1, true, 1e9);
    Check.range("health.growthWindow", growthWindow, 1, 10_000);
    Check.range("health.deadReluFraction", deadReluFraction, 0, true, 1);
  }
}
