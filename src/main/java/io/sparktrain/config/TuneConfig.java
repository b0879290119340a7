package io.sparktrain.config;

import java.util.List;
import java.util.Locale;

/**
 * How a search runs ({@code tune}): the trial budget, ASHA's rungs, the sampler, where trials train and
 * the architecture that {@code architecture.*} dimensions vary.
 */
public record TuneConfig(int trials, int maxEpochs, int eta, int grace, int parallelism, Metric metric,
    SamplerKind sampler, int gridPoints, SchedulerKind scheduler, Placement placement, int retries,
    Architecture architecture) {

  public TuneConfig {
    Check.range("tune.trials", trials, 1, 100_000);
    Check.range("tune.maxEpochs", maxEpochs, 1, 100_000);
    Check.range("tune.eta", eta, 2, 100);
    Check.range("tune.grace", grace, 1, 100_000);
    Check.that(grace <= maxEpochs, "tune.grace",
        "is " + grace + " epochs, more than tune.maxEpochs = " + maxEpochs + "; the first rung must fit the budget");
    Check.range("tune.parallelism", parallelism, 0, 100_000);
    Check.range("tune.gridPoints", gridPoints, 2, 100);
    Check.range("tune.retries", retries, 0, 10);
  }

  /** The same settings with the command line's values where it gave one (0: keep). */
  public TuneConfig with(int trials, int maxEpochs, int parallelism) {
    return new TuneConfig(trials > 0 ? trials : this.trials, maxEpochs > 0 ? maxEpochs : this.maxEpochs, eta,
        Math.min(grace, maxEpochs > 0 ? maxEpochs : this.maxEpochs), parallelism > 0 ? parallelism : this.parallelism,
        metric, sampler, gridPoints, scheduler, placement, retries, architecture);
  }

  /** The metric a rung compares trials on. */
  public enum Metric {
    VALIDATION_ACCURACY("validationAccuracy", true),
    VALIDATION_LOSS("validationLoss", false);

    private final String key;
    private final boolean higherIsBetter;

    Metric(String key, boolean higherIsBetter) {
      this.key = key;
      this.higherIsBetter = higherIsBetter;
    }

    public String key() {
      return key;
    }

    public boolean higherIsBetter() {
      return higherIsBetter;
    }

    /** A value where larger always means better (the loss negated), NaN for a failed trial. */
    public double score(double value) {
      return higherIsBetter ? value : -value;
    }

    static Metric of(String value) {
      for (Metric m : values()) {
        if (m.key.equals(value)) {
          return m;
        }
      }
      throw new ConfigException("tune.metric", "must be validationAccuracy or validationLoss, found '" + value + "'");
    }
  }

  /** How trials' values are chosen ({@code tune.sampler}). */
  public enum SamplerKind {
    AUTO, RANDOM, GRID;

    static SamplerKind of(String value) {
      return Check.named(SamplerKind.class, "tune.sampler", value);
    }
  }

  /** Whether trials are stopped early ({@code tune.scheduler}). */
  public enum SchedulerKind {
    ASHA, NONE;

    static SchedulerKind of(String value) {
      return Check.named(SchedulerKind.class, "tune.scheduler", value);
    }
  }

  /** Where a trial trains ({@code tune.placement}). */
  public enum Placement {
    /** The whole trial in one Spark task on one executor, with plain DL4J. */
    EXECUTOR,
    /** One trial at a time, trained like {@code train}: parameter averaging across the executors. */
    CLUSTER;

    static Placement of(String value) {
      return Check.named(Placement.class, "tune.placement", value);
    }

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The fixed values of the generated architecture ({@code tune.architecture}); dimensions named
   * {@code architecture.KEY} vary them ({@code architecture.filters1} is the first stage's filters).
   */
  public record Architecture(int convStages, List<Integer> filters, int kernel, int denseUnits, String activation,
      boolean batchNorm, double dropout) {
    /** The keys a space may vary, besides filtersN (N = 1 .. filters.size()). */
    public static final List<String> KEYS =
        List.of("convStages", "kernel", "denseUnits", "activation", "batchNorm", "dropout");

    public Architecture {
      filters = List.copyOf(filters);
      Check.range("tune.architecture.convStages", convStages, 0, filters.size());
      for (int f : filters) {
        Check.range("tune.architecture.filters", f, 1, 100_000);
      }
      Check.range("tune.architecture.kernel", kernel, 1, 64);
      Check.range("tune.architecture.denseUnits", denseUnits, 1, 1_000_000);
      Check.oneOf("tune.architecture.activation", activation, ModelConfig.ACTIVATIONS);
      Check.range("tune.architecture.dropout", dropout, 0, false, 0.99);
    }
  }

  static TuneConfig read(ConfigReader r) {
    ConfigReader a = r.at("architecture");
    Architecture arch = new Architecture(a.intValue("convStages"), a.intList("filters"), a.intValue("kernel"),
        a.intValue("denseUnits"), a.string("activation"), a.bool("batchNorm"), a.doubleValue("dropout"));
    return new TuneConfig(r.intValue("trials"), r.intValue("maxEpochs"), r.intValue("eta"), r.intValue("grace"),
        r.intValue("parallelism"), Metric.of(r.string("metric")), SamplerKind.of(r.string("sampler")),
        r.intValue("gridPoints"), SchedulerKind.of(r.string("scheduler")), Placement.of(r.string("placement")),
        r.intValue("retries"), arch);
  }
}
