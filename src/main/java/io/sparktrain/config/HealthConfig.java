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
    double deadReluFraction) {

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
