package io.sparktrain.config;

import java.util.List;

/**
 * One augmentation as configured in {@code augment.ops}. Which fields matter depends on {@code type};
 * the others keep their defaults.
 *
 * @param key the config key of this op, e.g. {@code augment.ops[1]}, for messages
 * @param steps timeshift: the largest shift, in time steps
 * @param fraction window: the share of a sequence's steps a window keeps
 */
public record AugmentSpec(String key, String type, double p, int pixels, double degrees, double minArea,
    double maxArea, double std, double brightness, double contrast, double scale, double alpha, int steps,
    double fraction) {

  public static final List<String> TYPES = List.of("flip", "shift", "rotate", "erase", "noise", "brightness-contrast",
      "jitter", "mixup", "cutmix", "scaling", "timeshift", "window");
  /** Types that take sequences (each sequence on its own). */
  public static final List<String> FOR_SEQUENCES = List.of("noise", "jitter", "scaling", "timeshift", "window");
  /** Types that need sequences. */
  public static final List<String> SEQUENCE_ONLY = List.of("scaling", "timeshift", "window");
  /** Types that need image input. */
  public static final List<String> IMAGE_ONLY = List.of("flip", "shift", "rotate", "erase", "brightness-contrast",
      "cutmix");
  /** Types that work on a whole minibatch. */
  public static final List<String> BATCH = List.of("mixup", "cutmix");

  public AugmentSpec {
    Check.oneOf(key + ".type", type, TYPES);
    Check.range(key + ".p", p, 0, false, 1);
    Check.range(key + ".pixels", pixels, 0, 1_000);
    Check.range(key + ".degrees", degrees, 0, false, 180);
    Check.range(key + ".minArea", minArea, 0, true, 1);
    Check.range(key + ".maxArea", maxArea, minArea, false, 1);
    Check.range(key + ".std", std, 0, false, 1e6);
    Check.range(key + ".brightness", brightness, 0, false, 1e6);
    Check.range(key + ".contrast", contrast, 0, false, 1);
    Check.range(key + ".scale", scale, 0, false, 1e3);
    Check.range(key + ".alpha", alpha, 0, true, 1e3);
    Check.range(key + ".steps", steps, 0, 1_000_000);
    Check.range(key + ".fraction", fraction, 0, true, 1);
  }
}
