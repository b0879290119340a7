package io.sparktrain.config;

/**
 * Test-time augmentation ({@code augment.testTime}): the test set is scored on the average of the
 * predictions for the image, its mirror image (when the training pipeline flips) and shifts of both by
 * {@code shiftPixels} (when it shifts).
 */
public record TestTimeConfig(boolean enabled, int shiftPixels) {
  public TestTimeConfig {
    Check.range("augment.testTime.shiftPixels", shiftPixels, 0, 1_000);
  }
}
