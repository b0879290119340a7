package io.sparktrain.health;

import io.sparktrain.config.HealthConfig;
import io.sparktrain.config.LayerSpec;
import io.sparktrain.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Vanishing and exploding gradients through time: the gradient that reaches the first time steps of a
 * sequence, against the one at the last steps, over {@code health.consecutive} rounds (thresholds in
 * {@code health.time}). A recurrent layer multiplies the gradient by its recurrent weights (and the
 * derivative of its activation) at every step it goes back: below 1 it fades geometrically, above 1 it grows.
 */
public final class TimeRule {
  public static final String VANISHING = "vanishing-through-time";
  public static final String EXPLODING = "exploding-through-time";

  private final HealthConfig config;
  private final ModelConfig model;
  private int vanishingStreak;
  private int explodingStreak;
  private final List<Double> recent = new ArrayList<>();

  public TimeRule(HealthConfig config, ModelConfig model) {
    this.config = config;
    this.model = model;
  }

  /**
   * Whether gradients vanish or explode through time in the last rounds measured (the median of the last
   * {@code consecutive}): one round's ratio swings by orders of magnitude, the median does not.
   */
  public boolean holding() {
    if (explodingStreak > 0) {
      return true;
    }
    if (recent.size() < config.consecutive()) {
      return false;
    }
    double median = LayerHealth.median(recent.stream().mapToDouble(Double::doubleValue).toArray());
    return median < config.time().vanishingRatio();
  }

  /** The finding of this round, if its streak is long enough (the caller reports each kind once). */
  public Optional<Diagnosis> observe(int epoch, int round, TimeHealth h) {
    double ratio = h.firstToLast();
    if (!Double.isFinite(ratio)) {
      return Optional.empty();
    }
    recent.add(ratio);
    if (recent.size() > config.consecutive()) {
      recent.remove(0);
    }
    vanishingStreak = ratio < config.time().vanishingRatio() ? vanishingStreak + 1 : 0;
    // One round is enough for exploding: a step with a gradient that large can wreck the recurrent weights
    // at once, after which it vanishes instead. Vanishing has to last: early in training it comes and goes.
    double peak = h.peakFirstToLast();
    explodingStreak = peak > config.time().explodingRatio() ? explodingStreak + 1 : 0;
    double median = LayerHealth.median(recent.stream().mapToDouble(Double::doubleValue).toArray());
    String where = "layer " + (h.layer() + 1) + " (" + h.type() + ")";
    int steps = h.norms().length;
    if (vanishingStreak >= config.consecutive()) {
      int horizon = h.horizon(config.time().horizonFraction());
      return Optional.of(new Diagnosis(VANISHING, epoch, round, List.of(h.layer() + 1), "firstToLastStepGradient",
          median, String.format(Locale.ROOT, "%s: gradients vanish through time: the gradient at step 1 is %s of "
              + "that at step %d (the median of %d rounds), so the network cannot learn dependencies longer than "
              + "about %d steps. %s", where, Diagnoser.sci(median), steps, config.consecutive(), horizon,
              vanishingRemedies(h.layer()))));
    }
    if (explodingStreak >= 1) {
      return Optional.of(new Diagnosis(EXPLODING, epoch, round, List.of(h.layer() + 1), "firstToLastStepGradient",
          peak, String.format(Locale.ROOT, "%s: gradients explode through time: the gradient at step 1 was %s "
              + "times that at step %d on a minibatch of epoch %d, round %d; each step back multiplies it by about "
              + "%.2f. %s", where, Diagnoser.sci(peak), steps, epoch, round, Math.pow(peak, 1.0 / Math.max(1, steps - 1)),
              explodingRemedies(h.layer()))));
    }
    return Optional.empty();
  }

  private String vanishingRemedies(int layer) {
    LayerSpec spec = model.layers().get(layer);
    List<String> remedies = new ArrayList<>();
    boolean simple = spec.type().equals("simplernn")
        || spec.type().equals("bidirectional") && spec.sequence().wraps().equals("simplernn");
    if (simple) {
      remedies.add("lstm (its gated cell state carries the gradient back through many steps)");
    } else if (spec.type().equals("lstm") || spec.type().equals("bidirectional")) {
      remedies.add("a higher forget-gate bias (" + spec.key() + ".forgetGateBias, now "
          + spec.sequence().forgetGateBias() + "; about the log of the steps to remember)");
    }
    remedies.add(model.tbpttLength() > 0
        ? "shorter sequences (data.sequence.maxLength) or a shorter model.tbpttLength (now " + model.tbpttLength() + ")"
        : "shorter sequences (data.sequence.maxLength, or model.tbpttLength with a prediction per step)");
    remedies.add("conv1d and subsampling1d layers before it (fewer, wider steps)");
    return "Use " + String.join(", ", remedies.subList(0, remedies.size() - 1)) + ", or "
        + remedies.get(remedies.size() - 1) + ".";
  }

  private String explodingRemedies(int layer) {
    LayerSpec spec = model.layers().get(layer);
    List<String> remedies = new ArrayList<>();
    if (spec.sequence().recurrentGain() > 1) {
      remedies.add("start the recurrent weights smaller (" + spec.key() + ".recurrentGain, now "
          + spec.sequence().recurrentGain() + "; 1 or less)");
    }
    if (model.gradientNormalization().equals("none")) {
      remedies.add("clip gradients (model.gradientNormalization = auto clips recurrent layers at "
          + "model.recurrent.gradientThreshold)");
    }
    remedies.add("lower the learning rate (now " + Diagnoser.sci(model.updater().learningRate()) + ")");
    remedies.add("use lstm");
    return "Remedies: " + String.join(", ", remedies.subList(0, remedies.size() - 1)) + ", or "
        + remedies.get(remedies.size() - 1) + ".";
  }
}
