package io.sparktrain.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A search space file: {@code dimensions = [...]} (each one a job key, or an {@code architecture.*} key
 * of the generated network, with the values it may take) and optional overrides of the {@code tune}
 * block. {@link #load} checks every dimension against the job before anything runs: an unknown key, bad
 * bounds or a value the job's own validation refuses is a {@link ConfigException} naming the dimension.
 */
public final class SearchSpace {
  /** Keys a search does not vary: the trials share their data, seed (derived per trial) and outputs. */
  private static final List<String> FIXED_PREFIXES = List.of("data.", "tune.", "spark.", "checkpoint.");
  private static final Set<String> FIXED_KEYS = Set.of("name", "seed", "output", "train.epochs", "data", "tune",
      "spark", "checkpoint");
  static final String ARCHITECTURE = "architecture.";

  private final List<Dimension> dimensions;
  private final TuneConfig tune;
  private final String origin;

  private SearchSpace(List<Dimension> dimensions, TuneConfig tune, String origin) {
    this.dimensions = List.copyOf(dimensions);
    this.tune = tune;
    this.origin = origin;
  }

  public List<Dimension> dimensions() {
    return dimensions;
  }

  public TuneConfig tune() {
    return tune;
  }

  /** The same space searched with other settings (the command line's). */
  public SearchSpace with(TuneConfig other) {
    return new SearchSpace(dimensions, other, origin);
  }

  /** The space file's path, for messages. */
  public String origin() {
    return origin;
  }

  /** Whether {@code key} is an architecture dimension rather than a job key. */
  public static boolean isArchitecture(String key) {
    return key.startsWith(ARCHITECTURE);
  }

  /** Loads {@code file}, checked against {@code job} (the job tree as {@link ConfigLoader#parseJob} gives it). */
  public static SearchSpace load(File file, Config job) {
    return load(file, job, ConfigFactory.empty());
  }

  /**
   * As {@link #load(File, Config)}, with {@code sets} (the command line's {@code --set} overrides) winning
   * over the space file's {@code tune} block, which wins over the job file's.
   */
  public static SearchSpace load(File file, Config job, Config sets) {
    if (!file.isFile()) {
      throw new ConfigException("--space", "file not found: " + file.getPath());
    }
    Config space;
    try {
      space = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException("--space", "cannot parse " + file.getPath() + ": " + e.getMessage(), e);
    }
    return of(space, job, file.getPath(), sets);
  }

  /** A space given as a HOCON tree; {@code origin} names it in messages. */
  public static SearchSpace of(Config space, Config job, String origin) {
    return of(space, job, origin, ConfigFactory.empty());
  }

  /** A space given as a HOCON tree, with the command line's {@code --set} overrides of {@code tune}. */
  public static SearchSpace of(Config space, Config job, String origin, Config sets) {
    for (String top : space.root().keySet()) {
      if (!top.equals("dimensions") && !top.equals("tune")) {
        throw new ConfigException(top, "unknown key in the space file " + origin
            + "; it holds `dimensions = [...]` and optionally a `tune { }` block");
      }
    }
    Config reference = ConfigLoader.reference();
    Config tuneTree = sets.withOnlyPath("tune").withFallback(space.withOnlyPath("tune"))
        .withFallback(job.withOnlyPath("tune"));
    for (Map.Entry<String, ConfigValue> e : tuneTree.entrySet()) {
      if (!reference.hasPathOrNull(e.getKey())) {
        throw new ConfigException(e.getKey(), "unknown key (in " + origin + " or the job); the tune keys are listed "
            + "in conf/reference.conf");
      }
    }
    TuneConfig tune = TuneConfig.read(new ConfigReader(tuneTree.withFallback(reference).resolve(), "").at("tune"));
    ConfigReader root = new ConfigReader(space, "");
    if (!root.has("dimensions")) {
      throw new ConfigException("dimensions", "missing in " + origin + "; list the dimensions to search, e.g. "
          + "dimensions = [{ key = model.updater.learningRate, type = loguniform, min = 1e-4, max = 1e-2 }]");
    }
    List<Dimension> dims = new ArrayList<>();
    for (ConfigReader d : root.objectList("dimensions")) {
      dims.add(dimension(d, dims, reference, tune.architecture()));
    }
    if (dims.isEmpty()) {
      throw new ConfigException("dimensions", "is empty in " + origin + "; list at least one dimension");
    }
    boolean arch = dims.stream().anyMatch(d -> isArchitecture(d.key()));
    if (arch && dims.stream().anyMatch(d -> d.key().equals("model.layers"))) {
      throw new ConfigException("model.layers", "a space varies either model.layers or architecture.* keys, not both");
    }
    SearchSpace out = new SearchSpace(dims, tune, origin);
    out.validateAgainst(job);
    return out;
  }

  private static Dimension dimension(ConfigReader d, List<Dimension> before, Config reference,
      TuneConfig.Architecture arch) {
    String at = d.prefix();
    String key = d.string("key");
    String where = at + " (key = " + key + ")";
    if (before.stream().anyMatch(x -> x.key().equals(key))) {
      throw new ConfigException(where, "the key " + key + " is listed twice");
    }
    checkKey(key, where, reference, arch);
    Optional<Dimension.Condition> when = d.has("when") ? Optional.of(condition(d, where, before)) : Optional.empty();
    String type = d.string("type");
    return switch (type) {
      case "loguniform" -> {
        double min = d.doubleValue("min");
        double max = d.doubleValue("max");
        Check.that(min > 0, where + ".min", "must be above 0 for a loguniform dimension, found " + min);
        Check.that(max > min, where + ".max", "must be above min = " + min + ", found " + max);
        yield new Dimension.LogUniform(key, min, max, when);
      }
      case "uniform" -> {
        double min = d.doubleValue("min");
        double max = d.doubleValue("max");
        Check.that(max > min, where + ".max", "must be above min = " + min + ", found " + max);
        yield new Dimension.Uniform(key, min, max, when);
      }
      case "int" -> {
        int min = d.intValue("min");
        int max = d.intValue("max");
        boolean log = d.has("log") && d.bool("log");
        Check.that(max >= min, where + ".max", "must be at least min = " + min + ", found " + max);
        Check.that(!log || min > 0, where + ".min", "must be above 0 with log = true, found " + min);
        yield new Dimension.IntRange(key, min, max, log, when);
      }
      case "choice" -> {
        List<Object> values = new ArrayList<>();
        for (ConfigValue v : d.list("values")) {
          values.add(v.unwrapped());
        }
        Check.that(!values.isEmpty(), where + ".values", "is empty; list at least one value");
        yield new Dimension.Choice(key, values, when);
      }
      default -> throw new ConfigException(where + ".type",
          "must be one of loguniform, uniform, int, choice, found '" + type + "'");
    };
  }

  /** A dimension's {@code when { key, in }}: an earlier discrete dimension and values it can take. */
  private static Dimension.Condition condition(ConfigReader d, String where, List<Dimension> before) {
    ConfigReader w = d.at("when");
    String parent = w.string("key");
    Dimension p = before.stream().filter(x -> x.key().equals(parent)).findFirst()
        .orElseThrow(() -> new ConfigException(where + ".when.key", "names " + parent
            + ", which is not a dimension listed before this one"));
    if (!p.discrete()) {
      throw new ConfigException(where + ".when.key", parent + " is not a choice or a small integer range");
    }
    List<Object> in = new ArrayList<>();
    for (ConfigValue v : d.list("when.in")) {
      Object value = v.unwrapped();
      if (p.gridValues(2).stream().noneMatch(x -> same(x, value))) {
        throw new ConfigException(where + ".when.in", value + " is not a value " + parent + " can take: "
            + p.gridValues(2));
      }
      in.add(value);
    }
    return new Dimension.Condition(parent, in);
  }

  private static void checkKey(String key, String where, Config reference, TuneConfig.Architecture arch) {
    if (isArchitecture(key)) {
      String name = key.substring(ARCHITECTURE.length());
      boolean filters = name.matches("filters[1-9][0-9]*")
          && Integer.parseInt(name.substring("filters".length())) <= arch.filters().size();
      if (!filters && !TuneConfig.Architecture.KEYS.contains(name)) {
        throw new ConfigException(where, "unknown architecture key; allowed: "
            + String.join(", ", TuneConfig.Architecture.KEYS) + ", filters1 .. filters" + arch.filters().size());
      }
      return;
    }
    if (FIXED_KEYS.contains(key) || FIXED_PREFIXES.stream().anyMatch(key::startsWith)) {
      throw new ConfigException(where, "a search does not vary " + key + ": its trials share the data, the Spark "
          + "settings and the outputs, the epochs come from tune.maxEpochs and each trial's seed from the job's");
    }
    if (!key.equals("model.layers") && !key.equals("augment.ops") && !reference.hasPathOrNull(key)) {
      throw new ConfigException(where, "unknown job key; every key is listed in conf/reference.conf");
    }
    if (reference.hasPathOrNull(key) && reference.getValue(key).valueType() == com.typesafe.config.ConfigValueType.OBJECT) {
      throw new ConfigException(where, "is a block of keys; name one key inside it, e.g. " + key + "."
          + reference.getConfig(key).root().keySet().iterator().next());
    }
  }

  /**
   * Tries every dimension's bounds or choices in the job (the other dimensions at their first value), so
   * that a value the job refuses fails now, naming the dimension, rather than as a failed trial.
   */
  private void validateAgainst(Config job) {
    Map<String, Object> base = new LinkedHashMap<>();
    for (Dimension d : dimensions) {
      base.put(d.key(), d.extremes().get(0));
    }
    for (Dimension d : dimensions) {
      for (Object value : d.extremes()) {
        Map<String, Object> values = new LinkedHashMap<>(base);
        values.put(d.key(), value);
        d.when().ifPresent(c -> values.put(c.key(), c.in().get(0)));
        Map<String, Object> active = active(values);
        try {
          ConfigLoader.fromConfig(trialJob(job, active, 1, tune.maxEpochs()), origin);
        } catch (ConfigException e) {
          throw new ConfigException(d.key(), "the value " + render(value) + " that " + origin + " allows is refused by "
              + "the job (" + e.getMessage() + "); narrow the dimension to values the job accepts", e);
        }
      }
    }
  }

  /** The values of the dimensions whose condition holds (in the order the space lists them). */
  public Map<String, Object> active(Map<String, Object> values) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Dimension d : dimensions) {
      if (values.containsKey(d.key()) && d.when().map(c -> c.holds(out)).orElse(true)) {
        out.put(d.key(), values.get(d.key()));
      }
    }
    return out;
  }

  /**
   * The job of one trial: {@code job} with the trial's values, its seed and epochs; architecture values
   * replace {@code model.layers} by the generated network.
   */
  public Config trialJob(Config job, Map<String, Object> values, long seed, int epochs) {
    Config out = job;
    Map<String, Object> arch = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      if (isArchitecture(e.getKey())) {
        arch.put(e.getKey().substring(ARCHITECTURE.length()), e.getValue());
      } else {
        out = out.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
      }
    }
    if (dimensions.stream().anyMatch(d -> isArchitecture(d.key()))) {
      out = out.withValue("model.layers", ConfigValueFactory.fromIterable(layers(arch)));
      if (arch.containsKey("activation")) {
        out = out.withValue("model.activation", ConfigValueFactory.fromAnyRef(arch.get("activation")));
      }
    }
    if (!job.hasPath("data.seed")) {
      // The trials (and best.conf) keep the search's split: only the weights, shuffles and augmentation follow
      // the trial's seed.
      long split = job.hasPath("seed") ? job.getLong("seed") : ConfigLoader.reference().getLong("seed");
      out = out.withValue("data.seed", ConfigValueFactory.fromAnyRef(split));
    }
    return out.withValue("seed", ConfigValueFactory.fromAnyRef(seed))
        .withValue("train.epochs", ConfigValueFactory.fromAnyRef(epochs));
  }

  /** model.layers for the generated architecture: the defaults of tune.architecture, overridden by {@code arch}. */
  List<Map<String, Object>> layers(Map<String, Object> arch) {
    TuneConfig.Architecture a = tune.architecture();
    int stages = ((Number) arch.getOrDefault("convStages", a.convStages())).intValue();
    int kernel = ((Number) arch.getOrDefault("kernel", a.kernel())).intValue();
    boolean batchNorm = Boolean.parseBoolean(String.valueOf(arch.getOrDefault("batchNorm", a.batchNorm())));
    double dropout = ((Number) arch.getOrDefault("dropout", a.dropout())).doubleValue();
    int dense = ((Number) arch.getOrDefault("denseUnits", a.denseUnits())).intValue();
    List<Map<String, Object>> layers = new ArrayList<>();
    for (int i = 1; i <= stages; i++) {
      int filters = ((Number) arch.getOrDefault("filters" + i, a.filters().get(i - 1))).intValue();
      layers.add(Map.of("type", "conv", "filters", filters, "kernel", List.of(kernel, kernel), "padding", "same"));
      if (batchNorm) {
        layers.add(Map.of("type", "batchnorm"));
      }
      layers.add(Map.of("type", "subsampling", "pooling", "max", "kernel", List.of(2, 2), "stride", List.of(2, 2)));
    }
    layers.add(Map.of("type", "dense", "units", dense));
    if (dropout > 0) {
      layers.add(Map.of("type", "dropout", "rate", dropout));
    }
    layers.add(Map.of("type", "output", "loss", "mcxent", "activation", "softmax"));
    return layers;
  }

  /** Whether two dimension values are equal, numbers compared by value (HOCON gives Integer or Double). */
  static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
    }
    return java.util.Objects.equals(a, b) || String.valueOf(a).equals(String.valueOf(b));
  }

  /** A value as HOCON text, for messages, trials.csv and best.conf. */
  public static String render(Object value) {
    if (value instanceof String text && text.matches("[A-Za-z][A-Za-z0-9_-]*") && !text.equals("true")
        && !text.equals("false") && !text.equals("null")) {
      return text;
    }
    return ConfigValueFactory.fromAnyRef(value).render(com.typesafe.config.ConfigRenderOptions.concise());
  }
}
