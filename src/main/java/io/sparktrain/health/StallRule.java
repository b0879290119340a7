package io.sparktrain.health;

import io.sparktrain.config.HealthConfig;
import io.sparktrain.config.LayerSpec;
import io.sparktrain.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The stall rule, applied on the driver after every kept averaging round: is the training loss flat
 * although the gradients are sound, and if so, why? A pure function of what the rounds report (their
 * mean losses and rates, the sampled layer health, the epochs' validation losses); its memory is a
 * {@link State}. Thresholds and their reasons: {@code health.stall} in conf/reference.conf.
 */
public final class StallRule {
  /** What a flat loss means. */
  public enum Kind {
    /** Far above the untrained loss's reach, updates of a healthy size: a saddle point or a poor start. */
    SADDLE("stall"),
    /** Far above, and the updates are too small to move the weights: the learning rate is too small. */
    RATE_TOO_SMALL("rate-too-small"),
    /** Low, and the validation loss has stopped improving too: training has converged. */
    CONVERGED("converged");

    private final String key;

    Kind(String key) {
      this.key = key;
    }

    /** The diagnosis kind as metrics.jsonl and summary.json write it. */
    public String key() {
      return key;
    }

    /** Whether a remedy (train.stall.action) applies: not to convergence. */
    public boolean actionable() {
      return this != CONVERGED;
    }
  }

  /**
   * What the rule remembers between rounds.
   *
   * @param losses the mean losses of the last kept rounds since the window last restarted, oldest first
   * @param rates the learning rate each of them ran with
   * @param ratios each one's median log10 update:parameter ratio of the weighted layers, NaN when it had no sample
   * @param log10Ratio the median of {@code ratios} (the last one known when none of them had a sample)
   * @param sound whether the last sample's gradients were neither vanishing nor exploding
   */
  public record State(List<Double> losses, List<Double> rates, List<Double> ratios, double log10Ratio,
      boolean sound) {
    public State {
      losses = List.copyOf(losses);
      rates = List.copyOf(rates);
      ratios = List.copyOf(ratios);
    }

    public static State initial() {
      return new State(List.of(), List.of(), List.of(), Double.NaN, true);
    }

    /** The same health, an empty window: the next finding needs a whole window of new rounds. */
    public State restarted() {
      return new State(List.of(), List.of(), List.of(), log10Ratio, sound);
    }
  }

  /**
   * A flat loss, judged.
   *
   * @param meanLoss the window's mean training loss
   * @param fall how much the fitted line fell over the window (negative when it rose)
   * @param noise the fall the minibatch noise alone explains (noiseZ standard errors)
   */
  public record Finding(Kind kind, int epoch, int round, int rounds, double meanLoss, double fall, double noise,
      double log10Ratio, String message) {
    /** As a {@link Diagnosis} whose message is the finding's and then {@code remedy}. */
    public Diagnosis diagnosis(String remedy) {
      return new Diagnosis(kind.key(), epoch, round, List.of(), "trainLossFall", fall,
          remedy.isEmpty() ? message : message + " " + remedy);
    }
  }

  /** The rule's next state, and its finding for this round (null when there is none). */
  public record Result(State next, Finding finding) {}

  /** A straight line fitted to a window of losses. */
  record Fit(double mean, double fall, double standardError) {}

  private final HealthConfig health;
  private final HealthConfig.Stall c;
  private final ModelConfig model;

  public StallRule(HealthConfig health, ModelConfig model) {
    this.health = health;
    this.c = health.stall();
    this.model = model;
  }

  /**
   * Judges one kept round.
   *
   * @param loss the round's mean training loss
   * @param learningRate the rate it ran with
   * @param layers its merged layer health; empty when no minibatch of it was sampled
   * @param untrainedLoss the loss of the network before training (the scale "far above" is judged on)
   * @param validationLosses every completed epoch's validation loss, in order
   */
  public Result observe(State s, int epoch, int round, double loss, double learningRate, List<LayerHealth> layers,
      double untrainedLoss, List<Double> validationLosses) {
    if (!Double.isFinite(loss)) {
      return new Result(s, null);
    }
    boolean sound = layers.isEmpty() ? s.sound() : sound(layers);
    List<Double> losses = new ArrayList<>(s.losses());
    List<Double> rates = new ArrayList<>(s.rates());
    List<Double> ratios = new ArrayList<>(s.ratios());
    losses.add(loss);
    rates.add(learningRate);
    ratios.add(layers.isEmpty() ? Double.NaN : medianRatio(layers));
    while (losses.size() > c.window()) {
      losses.remove(0);
      rates.remove(0);
      ratios.remove(0);
    }
    // The window's median: one sampled minibatch's ratio moves by a factor of 2 from round to round.
    double windowRatio = LayerHealth.median(ratios.stream().mapToDouble(Double::doubleValue).toArray());
    double ratio = Double.isNaN(windowRatio) ? s.log10Ratio() : windowRatio;
    State next = new State(losses, rates, ratios, ratio, sound);
    // A schedule that raises the rate (a warm-up, one-cycle's first part) is already doing what a remedy
    // would; its first rounds are flat because the rate is still small on purpose. One that has just cut
    // it (a step, reduce-on-plateau) flattens the loss on purpose too. Without the untrained loss there
    // is no scale for "far above" (nor for "low").
    double first = rates.get(0);
    double last = rates.get(rates.size() - 1);
    if (losses.size() < Math.max(3, c.window()) || !sound || last > first * 1.01 || last < first * 0.5
        || !(untrainedLoss > 0)) {
      return new Result(next, null);
    }
    Fit fit = fit(losses);
    double noise = c.noiseZ() * fit.standardError() * (losses.size() - 1);
    if (fit.fall() >= Math.max(noise, c.minRelativeDrop() * fit.mean())) {
      return new Result(next, null);
    }
    Kind kind;
    if (fit.mean() > c.highLossFraction() * untrainedLoss) {
      kind = Double.isFinite(ratio) && ratio < Math.log10(c.lowUpdateRatio()) ? Kind.RATE_TOO_SMALL : Kind.SADDLE;
    } else if (Math.abs(fit.fall()) < c.minRelativeDrop() * fit.mean() && validationFlat(validationLosses)) {
      // Convergence needs the fitted line itself flat (within minRelativeDrop either way), not a fall or
      // a rise that the noise hides: a noisy window says nothing either way.
      kind = Kind.CONVERGED;
    } else {
      return new Result(next, null);
    }
    String message = message(kind, fit, noise, ratio, untrainedLoss, learningRate, validationLosses);
    return new Result(next.restarted(),
        new Finding(kind, epoch, round, losses.size(), fit.mean(), fit.fall(), noise, ratio, message));
  }

  /** Least squares over the round index: the mean, the line's fall from first to last round, the slope's standard error. */
  static Fit fit(List<Double> y) {
    int n = y.size();
    double xm = (n - 1) / 2.0;
    double ym = y.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < n; i++) {
      sxx += (i - xm) * (i - xm);
      sxy += (i - xm) * (y.get(i) - ym);
    }
    double slope = sxy / sxx;
    double sse = 0;
    for (int i = 0; i < n; i++) {
      double r = y.get(i) - (ym + slope * (i - xm));
      sse += r * r;
    }
    double se = n > 2 ? Math.sqrt(sse / (n - 2) / sxx) : Double.POSITIVE_INFINITY;
    return new Fit(ym, -slope * (n - 1), se);
  }

  /** Whether the best validation loss of the last validationEpochs epochs is no better than the best before them. */
  boolean validationFlat(List<Double> v) {
    int k = c.validationEpochs();
    if (v.size() <= k) {
      return false;
    }
    double before = v.subList(0, v.size() - k).stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    double recent = v.subList(v.size() - k, v.size()).stream().mapToDouble(Double::doubleValue).min()
        .orElse(Double.NaN);
    return recent >= before * (1 - c.minRelativeDrop());
  }

  private static boolean weighted(LayerHealth h) {
    return h.type().equals("dense") || h.type().equals("conv") || h.type().equals("output");
  }

  static double medianRatio(List<LayerHealth> layers) {
    return LayerHealth.median(layers.stream().filter(StallRule::weighted).mapToDouble(LayerHealth::log10UpdateRatio)
        .filter(Double::isFinite).toArray());
  }

  /** No weighted layer's update vanishing or exploding by the other rules' thresholds. */
  private boolean sound(List<LayerHealth> layers) {
    double max = layers.stream().mapToDouble(LayerHealth::gradientNorm).filter(Double::isFinite).max().orElse(0);
    for (LayerHealth h : layers) {
      if (!weighted(h) || !Double.isFinite(h.log10UpdateRatio())) {
        continue;
      }
      boolean vanishing = h.log10UpdateRatio() < Math.log10(health.vanishingRatio())
          || (max > 0 && h.gradientNorm() / max < health.vanishingRelativeNorm());
      if (vanishing || h.log10UpdateRatio() > Math.log10(health.explodingRatio())) {
        return false;
      }
    }
    return true;
  }

  private String message(Kind kind, Fit fit, double noise, double ratio, double untrained, double lr,
      List<Double> validation) {
    String flat = String.format(Locale.ROOT, "the training loss stayed at %.4f over the last %d rounds (the fitted "
        + "line fell by %.4f; the noise alone explains %.4f, and %.0f%% of the loss would be %.4f)", fit.mean(),
        c.window(), fit.fall(), noise, 100 * c.minRelativeDrop(), c.minRelativeDrop() * fit.mean());
    String gradients = Double.isFinite(ratio)
        ? "although the gradients are neither vanishing nor exploding (median update:parameter ratio "
            + sci(Math.pow(10, ratio)) + "; healthy is near 1e-3, too slow below " + sci(c.lowUpdateRatio()) + ")"
        : "(no gradient-health samples, health.enabled = false: vanishing gradients are not ruled out)";
    return switch (kind) {
      case SADDLE -> String.format(Locale.ROOT, "training has stalled on a plateau: %s, %.0f%% of the untrained "
          + "network's %.4f, %s. A loss this far above what the network should reach, with updates of a healthy "
          + "size, is most likely a saddle point or a poor start; a smaller learning rate would only slow the "
          + "escape.", flat, 100 * fit.mean() / untrained, untrained, gradients) + hints();
      case RATE_TOO_SMALL -> String.format(Locale.ROOT, "training has stalled: %s, %.0f%% of the untrained network's "
          + "%.4f, and each update changes the weights by only %s of their size (median update:parameter ratio; "
          + "healthy is near 1e-3, below %s learning is too slow): the learning rate (now %s) is too small. Raise it "
          + "(sparktrain lr-find suggests one).", flat, 100 * fit.mean() / untrained, untrained,
          sci(Math.pow(10, ratio)), sci(c.lowUpdateRatio()), sci(lr)) + hints();
      case CONVERGED -> String.format(Locale.ROOT, "training has converged: %s and the validation loss has not "
          + "improved for %d epochs (best %.4f). More epochs at this rate will not help; early stopping "
          + "(train.earlyStopping.enabled = true) ends a run here, and a decaying schedule (train.schedule.type = "
          + "cosine) may still gain a little at the end.", flat, c.validationEpochs(),
          validation.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN));
    };
  }

  /** What in the model makes plateaus likely, and what to change (batch normalisation, initialisation, updater). */
  String hints() {
    List<String> hints = new ArrayList<>();
    boolean saturating = false;
    for (LayerSpec l : model.layers()) {
      String act = l.activation().isEmpty() ? model.activation() : l.activation();
      saturating |= !l.type().equals("output") && (act.equals("tanh") || act.equals("sigmoid"));
    }
    if (model.layers().stream().noneMatch(l -> l.type().equals("batchnorm"))) {
      hints.add("add batch normalisation (a batchnorm layer after each hidden layer)");
    }
    if (saturating && !model.weightInit().startsWith("xavier")) {
      hints.add("use Xavier initialisation for " + (model.activation().equals("sigmoid") ? "sigmoid" : "tanh")
          + " (model.weightInit = xavier; " + model.weightInit() + " starts the weights too small)");
    } else if (!saturating && !model.weightInit().equals("relu")) {
      hints.add("use He initialisation (model.weightInit = relu)");
    }
    String updater = model.updater().type();
    if (updater.equals("sgd")) {
      hints.add("use Adam instead of plain SGD (model.updater.type = adam), or momentum (nesterovs)");
    }
    if (hints.isEmpty()) {
      return "";
    }
    return " For the model: " + (hints.size() == 1 ? hints.get(0)
        : String.join(", ", hints.subList(0, hints.size() - 1)) + ", or " + hints.get(hints.size() - 1)) + ".";
  }

  static String sci(double v) {
    return Diagnoser.sci(v);
  }
}
