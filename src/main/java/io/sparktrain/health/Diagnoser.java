package io.sparktrain.health;

import io.sparktrain.config.HealthConfig;
import io.sparktrain.config.LayerSpec;
import io.sparktrain.config.ModelConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The diagnosis rules, applied to every averaging round's merged layer health (thresholds in
 * {@link HealthConfig}, reasons in conf/reference.conf). Each kind of finding is reported once, the
 * first time it holds, with remedies chosen from the model as configured; later rounds where it
 * still holds are counted.
 */
public final class Diagnoser {
  private final HealthConfig config;
  private final ModelConfig model;
  private final boolean guardEnabled;
  private double learningRate;
  private final double baseLearningRate;
  private final int[] vanishingStreak;
  private final int[] explodingStreak;
  private final int[] deadStreak;
  private final Deque<Double> norms = new ArrayDeque<>();
  private final Deque<Double> normLosses = new ArrayDeque<>();
  private final List<Double> initialNorms = new ArrayList<>();
  private final Map<String, Diagnosis> found = new LinkedHashMap<>();
  private final Map<String, Integer> rounds = new LinkedHashMap<>();

  public Diagnoser(HealthConfig config, ModelConfig model, boolean guardEnabled, double learningRate) {
    this.config = config;
    this.model = model;
    this.guardEnabled = guardEnabled;
    this.learningRate = learningRate;
    this.baseLearningRate = learningRate;
    int n = model.layers().size();
    vanishingStreak = new int[n];
    explodingStreak = new int[n];
    deadStreak = new int[n];
  }

  public void learningRate(double lr) {
    this.learningRate = lr;
  }

  /**
   * What the rules remember between rounds (streaks, recent gradient norms, findings reported): a value
   * the training state holds, so a resumed run reports each finding once, as the uninterrupted run would.
   */
  public record State(double learningRate, List<Integer> vanishingStreak, List<Integer> explodingStreak,
      List<Integer> deadStreak, List<Double> norms, List<Double> initialNorms, List<Diagnosis> found,
      Map<String, Integer> rounds, List<Double> normLosses) {
    public State {
      vanishingStreak = List.copyOf(vanishingStreak);
      explodingStreak = List.copyOf(explodingStreak);
      deadStreak = List.copyOf(deadStreak);
      norms = List.copyOf(norms);
      // Absent in checkpoints from before it was kept: the growth rule then waits for a new window.
      normLosses = normLosses == null || normLosses.size() != norms.size() ? List.of() : List.copyOf(normLosses);
      initialNorms = List.copyOf(initialNorms);
      found = List.copyOf(found);
      rounds = Map.copyOf(rounds);
    }
  }

  /** The rules' memory now. */
  public State state() {
    return new State(learningRate, list(vanishingStreak), list(explodingStreak), list(deadStreak), List.copyOf(norms),
        List.copyOf(initialNorms), List.copyOf(found.values()), Map.copyOf(rounds), List.copyOf(normLosses));
  }

  /** Continues from a state taken by {@link #state()} (a resumed run). */
  public Diagnoser restore(State s) {
    learningRate = s.learningRate();
    copy(s.vanishingStreak(), vanishingStreak);
    copy(s.explodingStreak(), explodingStreak);
    copy(s.deadStreak(), deadStreak);
    norms.clear();
    normLosses.clear();
    if (!s.normLosses().isEmpty()) {
      norms.addAll(s.norms());
      normLosses.addAll(s.normLosses());
    }
    initialNorms.clear();
    initialNorms.addAll(s.initialNorms());
    found.clear();
    s.found().forEach(d -> found.put(d.kind(), d));
    rounds.clear();
    rounds.putAll(s.rounds());
    return this;
  }

  private static List<Integer> list(int[] a) {
    return java.util.Arrays.stream(a).boxed().toList();
  }

  private static void copy(List<Integer> from, int[] to) {
    for (int i = 0; i < Math.min(from.size(), to.length); i++) {
      to[i] = from.get(i);
    }
  }

  /** Every finding so far, first occurrence each. */
  public List<Diagnosis> diagnoses() {
    return List.copyOf(found.values());
  }

  /** In how many rounds each kind of finding held. */
  public Map<String, Integer> roundsFlagged() {
    return Map.copyOf(rounds);
  }

  /**
   * Applies the rules to one round.
   *
   * @param layers the round's merged health; empty when no minibatch of the round was sampled
   * @param nonFinite whether a sampled gradient held NaN or Inf
   * @param loss the round's mean training loss
   * @return findings reported for the first time in this round
   */
  public List<Diagnosis> observe(int epoch, int round, List<LayerHealth> layers, boolean nonFinite, double loss) {
    List<Diagnosis> out = new ArrayList<>();
    if (nonFinite || !Double.isFinite(loss)) {
      String what = nonFinite ? "gradients hold NaN or Inf" : "the training loss is " + loss;
      report(out, new Diagnosis("exploding", epoch, round, List.of(), "nonFinite", Double.NaN,
          "gradients explode: " + what + " in epoch " + epoch + ", round " + round + ". " + explodingRemedies()));
    }
    if (layers.isEmpty()) {
      return out;
    }
    // An update scales with the learning rate: when a schedule (or the guard) has lowered the rate, the
    // ratio threshold is lowered with it, so the tail of a cosine decay is not taken for vanishing.
    double rateScale = learningRate > 0 && baseLearningRate > 0 ? Math.min(1.0, learningRate / baseLearningRate) : 1.0;
    double vanishingRatio = Math.log10(config.vanishingRatio() * rateScale);
    double maxNorm = layers.stream().mapToDouble(LayerHealth::gradientNorm).filter(Double::isFinite).max().orElse(0);
    Set<Integer> vanishing = new TreeSet<>();
    Set<Integer> exploding = new TreeSet<>();
    Set<Integer> dead = new TreeSet<>();
    double worstVanishRatio = Double.NaN;
    double worstVanishRelative = Double.NaN;
    double worstExplodeRatio = Double.NaN;
    double worstDead = Double.NaN;
    for (LayerHealth h : layers) {
      int i = h.layer();
      boolean weighted = h.type().equals("dense") || h.type().equals("conv");
      double relative = maxNorm > 0 ? h.gradientNorm() / maxNorm : Double.NaN;
      boolean lowRatio = h.log10UpdateRatio() < vanishingRatio;
      boolean lowNorm = relative < config.vanishingRelativeNorm();
      vanishingStreak[i] = weighted && (lowRatio || lowNorm) ? vanishingStreak[i] + 1 : 0;
      if (vanishingStreak[i] >= config.consecutive()) {
        vanishing.add(i + 1);
        worstVanishRatio = min(worstVanishRatio, h.log10UpdateRatio());
        worstVanishRelative = min(worstVanishRelative, relative);
      }
      explodingStreak[i] = h.log10UpdateRatio() > Math.log10(config.explodingRatio()) ? explodingStreak[i] + 1 : 0;
      if (explodingStreak[i] >= Math.min(2, config.consecutive())) {
        exploding.add(i + 1);
        worstExplodeRatio = max(worstExplodeRatio, h.log10UpdateRatio());
      }
      deadStreak[i] = h.deadFraction() > config.deadReluFraction() ? deadStreak[i] + 1 : 0;
      if (deadStreak[i] >= config.consecutive()) {
        dead.add(i + 1);
        worstDead = max(worstDead, h.deadFraction());
      }
    }
    if (!vanishing.isEmpty()) {
      report(out, new Diagnosis("vanishing", epoch, round, List.copyOf(vanishing), "log10UpdateRatio", worstVanishRatio,
          layerNames(vanishing) + ": gradients vanish (update:parameter ratio " + pow10(worstVanishRatio)
              + ", gradient norm " + sci(worstVanishRelative) + " of the largest layer's, for "
              + config.consecutive() + " rounds). " + vanishingRemedies()));
    }
    if (!exploding.isEmpty()) {
      report(out, new Diagnosis("exploding", epoch, round, List.copyOf(exploding), "log10UpdateRatio",
          worstExplodeRatio, layerNames(exploding) + ": gradients explode (update:parameter ratio "
              + pow10(worstExplodeRatio) + ", above " + sci(config.explodingRatio())
              + ": every step rewrites a large part of each weight). " + explodingRemedies()));
    }
    double total = Math.sqrt(layers.stream().mapToDouble(LayerHealth::gradientNorm).filter(Double::isFinite)
        .map(x -> x * x).sum());
    if (Double.isFinite(total) && total > 0) {
      if (initialNorms.size() < config.growthWindow()) {
        initialNorms.add(total);
      }
      norms.addLast(total);
      normLosses.addLast(loss);
      while (norms.size() > config.growthWindow() + config.consecutive()) {
        norms.removeFirst();
        normLosses.removeFirst();
      }
      double[] growth = growth();
      if (growth != null) {
        report(out, new Diagnosis("exploding", epoch, round, List.of(), "gradientNormGrowth", growth[0] / growth[1],
            String.format(Locale.ROOT, "gradients explode: the network's gradient norm grew %.0fx within %d rounds "
                + "(%s to %s, the median of the last %d rounds). ", growth[0] / growth[1],
                config.growthWindow() + config.consecutive(), sci(growth[1]), sci(growth[0]), config.consecutive())
                + explodingRemedies()));
      }
    }
    if (!dead.isEmpty()) {
      report(out, new Diagnosis("dead-relu", epoch, round, List.copyOf(dead), "deadFraction", worstDead,
          layerNames(dead) + String.format(Locale.ROOT, ": %.0f%% of the ReLU units output 0 for every example "
              + "(dead ReLU units no longer learn). Use leakyrelu or elu (model.activation = leakyrelu), "
              + "lower the learning rate (now %s), or use He initialisation (model.weightInit = relu).",
              100 * worstDead, sci(learningRate))));
    }
    return out;
  }

  /**
   * {median of the last `consecutive` totals, minimum of the totals before them} when the first is
   * more than explodingGrowth times the second and above the median of the first growthWindow rounds'
   * totals, else null. A median, so one noisy round (batch
   * normalisation makes single-round gradient norms jump 10x) is not growth.
   */
  private double[] growth() {
    int k = config.consecutive();
    if (norms.size() <= k) {
      return null;
    }
    List<Double> all = new ArrayList<>(norms);
    double[] last = all.subList(all.size() - k, all.size()).stream().mapToDouble(Double::doubleValue).toArray();
    double baseline = all.subList(0, all.size() - k).stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    double recent = LayerHealth.median(last);
    // Also above the first rounds' scale: near convergence the gradient of a small training set can
    // fall 100x and bounce back; that is noise around a minimum, not an explosion.
    double initial = LayerHealth.median(initialNorms.stream().mapToDouble(Double::doubleValue).toArray());
    // And the loss has not kept falling meanwhile: a CNN's gradient norm can grow tenfold as training
    // sharpens while its loss goes on down (the sample job's epoch 4); exploding gradients stop the fall.
    List<Double> losses = new ArrayList<>(normLosses);
    double recentLoss = LayerHealth.median(losses.subList(losses.size() - k, losses.size()).stream()
        .mapToDouble(Double::doubleValue).toArray());
    double earlierLoss = LayerHealth.median(losses.subList(0, losses.size() - k).stream()
        .mapToDouble(Double::doubleValue).toArray());
    boolean stillFalling = recentLoss < earlierLoss * (1 - config.stall().minRelativeDrop());
    return baseline > 0 && recent > config.explodingGrowth() * baseline && recent > initial && !stillFalling
        ? new double[] {recent, baseline} : null;
  }

  /**
   * Records a finding of another rule (the stall rule): counted in {@link #roundsFlagged()} every time,
   * kept among {@link #diagnoses()} the first time.
   *
   * @return whether it is the first of its kind
   */
  public boolean record(Diagnosis d) {
    List<Diagnosis> out = new ArrayList<>();
    report(out, d);
    return !out.isEmpty();
  }

  private void report(List<Diagnosis> out, Diagnosis d) {
    rounds.merge(d.kind(), 1, Integer::sum);
    if (!found.containsKey(d.kind())) {
      found.put(d.kind(), d);
      out.add(d);
    }
  }

  private String vanishingRemedies() {
    List<String> remedies = new ArrayList<>();
    Set<String> saturating = new TreeSet<>();
    int weighted = 0;
    boolean batchNorm = false;
    for (LayerSpec l : model.layers()) {
      if (l.type().equals("dense") || l.type().equals("conv")) {
        weighted++;
        String act = l.activation().isEmpty() ? model.activation() : l.activation();
        if (act.equals("sigmoid") || act.equals("tanh")) {
          saturating.add(act);
        }
      }
      batchNorm |= l.type().equals("batchnorm");
    }
    String intro = saturating.isEmpty()
        ? "The network has " + weighted + " hidden layers with weights: "
        : "The network uses " + String.join(" and ", saturating) + " with " + weighted + " hidden layers: ";
    if (!saturating.isEmpty()) {
      remedies.add("use ReLU with He initialisation (model.activation = relu, model.weightInit = relu)");
    } else if (!model.weightInit().equals("relu")) {
      remedies.add("use He initialisation (model.weightInit = relu)");
    }
    if (!batchNorm) {
      remedies.add("add batch normalisation (a batchnorm layer after each hidden layer)");
    }
    if (weighted > 4) {
      remedies.add("make the network shallower");
    }
    String updater = model.updater().type();
    if (updater.equals("sgd") || updater.equals("nesterovs")) {
      remedies.add("use an adaptive updater (model.updater.type = adam)");
    }
    if (remedies.isEmpty()) {
      remedies.add("raise the learning rate (now " + sci(learningRate) + "; sparktrain lr-find suggests one)");
    }
    return intro + joinOr(remedies) + ".";
  }

  private String explodingRemedies() {
    List<String> remedies = new ArrayList<>();
    remedies.add("lower the learning rate (now " + sci(learningRate) + "; sparktrain lr-find suggests one)");
    if (model.gradientNormalization().equals("none")) {
      remedies.add("clip gradients (model.gradientNormalization = clip-l2-per-layer)");
    }
    if (model.layers().stream().noneMatch(l -> l.type().equals("batchnorm"))) {
      remedies.add("add batch normalisation");
    }
    String text = "Remedies: " + joinOr(remedies) + ".";
    if (!guardEnabled) {
      text += " The divergence guard is off (train.guard.enabled = false); on, it undoes diverging rounds and lowers the rate.";
    }
    return text;
  }

  /** "layer 3 (dense)", "layers 1-4 (dense)", "layers 1-2, 5 (conv, dense)". */
  String layerNames(Set<Integer> layers) {
    Set<String> types = new TreeSet<>();
    for (int l : layers) {
      types.add(model.layers().get(l - 1).type());
    }
    return (layers.size() == 1 ? "layer " : "layers ") + ranges(List.copyOf(layers)) + " (" + String.join(", ", types) + ")";
  }

  static String ranges(List<Integer> sorted) {
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (i < sorted.size()) {
      int j = i;
      while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
        j++;
      }
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(sorted.get(i));
      if (j > i) {
        b.append('-').append(sorted.get(j));
      }
      i = j + 1;
    }
    return b.toString();
  }

  private static String joinOr(List<String> items) {
    if (items.size() == 1) {
      return items.get(0);
    }
    return String.join(", ", items.subList(0, items.size() - 1)) + ", or " + items.get(items.size() - 1);
  }

  static String sci(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1e", v) : String.valueOf(v);
  }

  private static String pow10(double log10) {
    return Double.isFinite(log10) ? sci(Math.pow(10, log10)) : String.valueOf(log10);
  }

  private static double min(double a, double b) {
    return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.min(a, b);
  }

  private static double max(double a, double b) {
    return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
  }
}
