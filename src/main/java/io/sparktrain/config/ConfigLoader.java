package io.sparktrain.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads a job: {@code conf/reference.conf} (the defaults, inside the jar) under the job file under the
 * {@code --set} overrides, resolves {@code ${?ENV}} substitutions, rejects unknown keys and builds the
 * validated {@link JobConfig}.
 */
public final class ConfigLoader {
  /** The defaults, copied from conf/reference.conf into the jar at build time. */
  public static final String REFERENCE_RESOURCE = "io/sparktrain/reference.conf";

  /** Subtrees whose keys are free-form, so not checked against the reference. */
  private static final Set<String> FREE_FORM = Set.of("spark.conf");

  private static final java.util.regex.Pattern OPTIONAL_VARIABLE =
      java.util.regex.Pattern.compile("\\$\\{\\?([A-Za-z_][A-Za-z0-9_]*)\\}");
  /** A segment of a key such as model.layers[0].units: a name, or a list index. */
  private static final java.util.regex.Pattern PATH_SEGMENT = java.util.regex.Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)\\]");

  private ConfigLoader() {}

  public static Config reference() {
    return ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), REFERENCE_RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
  }

  /** Loads and validates {@code file} with {@code overrides} ("key=value") applied. */
  public static JobConfig load(File file, List<String> overrides) {
    return fromConfig(parseJob(file, overrides), file.getPath());
  }

  /**
   * The job file with its includes inlined and the overrides applied, before defaults are merged and
   * substitutions resolved: what a submit script ships to a cluster, where {@code ${?ENV}} then
   * resolves from the cluster's environment.
   */
  public static Config parseJob(File file, List<String> overrides) {
    if (!file.isFile()) {
      throw new ConfigException("--config", "file not found: " + file.getPath());
    }
    Config job;
    try {
      job = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false)
          .setIncluder(new StrictIncluder()));
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException("--config", "cannot parse " + file.getPath() + ": " + e.getMessage(), e);
    }
    return parseOverrides(overrides).withFallback(job);
  }

  /** HOCON text of a job tree as {@link #parseJob} returns it; substitutions stay as written. */
  public static String renderJob(Config job) {
    return job.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false).setJson(false));
  }

  /** Validates a job given as a HOCON tree (without the reference defaults merged yet). */
  public static JobConfig fromConfig(Config job, String origin) {
    Config reference = reference();
    rejectUnknownKeys(job, reference, origin);
    Config merged;
    try {
      merged = job.withFallback(reference).resolve();
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException("--config", "cannot resolve " + origin + ": " + e.getMessage(), e);
    }
    try {
      return build(merged);
    } catch (ConfigException e) {
      throw withOrigin(e, merged, job);
    }
  }

  /** {@code e} with the place its key was written appended: "(conf/models/cnn.conf:12)", "(--set)". */
  static ConfigException withOrigin(ConfigException e, Config merged, Config job) {
    String where = origin(merged, e.key());
    if (where == null) {
      where = unsetVariable(job, e.key());
    }
    String message = e.getMessage().substring(Math.min(e.getMessage().length(), e.key().length() + 2));
    if (where == null || message.contains(where)) {
      return e;
    }
    return new ConfigException(e.key(), message + " (" + where + ")", e.getCause() == null ? e : e.getCause());
  }

  /**
   * For a key the job sets to {@code ${?VAR}} with VAR unset (so the default applied): says so, since the
   * error is then about the default; null otherwise.
   */
  static String unsetVariable(Config job, String key) {
    try {
      ConfigValue v = job.root();
      for (String part : com.typesafe.config.ConfigUtil.splitPath(key)) {
        if (!(v instanceof com.typesafe.config.ConfigObject o) || o.get(part) == null) {
          return null;
        }
        v = o.get(part);
      }
      java.util.regex.Matcher m = OPTIONAL_VARIABLE.matcher(v.render(ConfigRenderOptions.concise()));
      if (m.find() && System.getenv(m.group(1)) == null) {
        String file = v.origin().filename();
        return key + " = ${?" + m.group(1) + "}" + (file == null ? "" : " in " + file
            + (v.origin().lineNumber() > 0 ? ":" + v.origin().lineNumber() : "")) + ", and " + m.group(1)
            + " is not set in the environment, so the default applied";
      }
      return null;
    } catch (RuntimeException ex) {
      return null;
    }
  }

  /**
   * Where {@code key}'s value was written: "FILE:LINE" for a job file or one it includes, "--set" for an
   * override; null for a default (conf/reference.conf) or when the key is not a path of {@code config}.
   */
  static String origin(Config config, String key) {
    try {
      ConfigValue v = config.root();
      ConfigValue root = v;
      java.util.regex.Matcher m = PATH_SEGMENT.matcher(key);
      while (m.find()) {
        // A key that is not there (a layer's missing units) is placed by the nearest value that is.
        ConfigValue next = null;
        if (m.group(1) != null && v instanceof com.typesafe.config.ConfigObject o) {
          next = o.get(m.group(1));
        } else if (m.group(2) != null && v instanceof com.typesafe.config.ConfigList l
            && Integer.parseInt(m.group(2)) < l.size()) {
          next = l.get(Integer.parseInt(m.group(2)));
        }
        if (next == null) {
          break;
        }
        v = next;
      }
      if (v == root) {
        return null;
      }
      com.typesafe.config.ConfigOrigin o = v.origin();
      if (o.resource() != null && o.resource().endsWith("reference.conf")) {
        return null;
      }
      if (o.filename() != null) {
        return o.filename() + (o.lineNumber() > 0 ? ":" + o.lineNumber() : "");
      }
      return o.description().startsWith("--set") ? "--set" : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Parses {@code key=value} pairs. Lists and objects are HOCON; anything else is taken as a plain string. */
  public static Config parseOverrides(List<String> overrides) {
    Config out = ConfigFactory.empty();
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("--set", "expected key=value, found '" + override + "'");
      }
      String key = override.substring(0, eq).trim();
      String text = override.substring(eq + 1).trim();
      ConfigValue value;
      if (text.startsWith("[") || text.startsWith("{")) {
        try {
          value = ConfigFactory.parseString("v = " + text, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
              .setOriginDescription("--set " + key)).getValue("v");
        } catch (com.typesafe.config.ConfigException e) {
          throw new ConfigException(key, "cannot parse the --set value '" + text + "': " + e.getMessage(), e);
        }
      } else {
        value = ConfigValueFactory.fromAnyRef(text, "--set " + key);
      }
      try {
        out = out.withValue(key, value);
      } catch (com.typesafe.config.ConfigException e) {
        throw new ConfigException("--set", "'" + key + "' is not a valid key: " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static void rejectUnknownKeys(Config job, Config reference, String origin) {
    for (Map.Entry<String, ConfigValue> entry : job.entrySet()) {
      String key = entry.getKey();
      if (FREE_FORM.stream().anyMatch(prefix -> key.startsWith(prefix + ".")) || key.equals("model.layers")
          || key.startsWith("model.layers.") || key.equals("augment.ops") || key.startsWith("augment.ops.")) {
        continue;
      }
      if (!reference.hasPathOrNull(key)) {
        String where = origin(job, key);
        String first = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
        if (!reference.hasPathOrNull(first)) {
          throw new ConfigException(key, "unknown section '" + first + "' (" + (where != null ? where : "in " + origin
              + " or --set") + ")" + suggestion(key, reference) + "; the sections are "
              + String.join(", ", new java.util.TreeSet<>(reference.root().keySet())));
        }
        throw new ConfigException(key, "unknown key (" + (where != null ? where : "in " + origin + " or --set") + ")"
            + suggestion(key, reference) + "; every key is listed in conf/reference.conf");
      }
    }
  }

  private static String suggestion(String key, Config reference) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Map.Entry<String, ConfigValue> entry : reference.entrySet()) {
      int d = distance(key.toLowerCase(Locale.ROOT), entry.getKey().toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = entry.getKey();
      }
    }
    return best != null && bestDistance <= 3 ? "; did you mean " + best + "?" : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static JobConfig build(Config merged) {
    ConfigReader root = new ConfigReader(merged, "");
    DataConfig data = data(root.at("data"));
    ModelConfig model = model(root.at("model"));
    return new JobConfig(root.string("name"), root.longValue("seed"), root.string("output"), data, model,
        train(root.at("train")), spark(root.at("spark")), health(root.at("health")), lrFind(root.at("lrFind")),
        augment(root.at("augment")), testTime(root.at("augment").at("testTime")), checkpoint(root.at("checkpoint")),
        merged);
  }

  private static DataConfig data(ConfigReader r) {
    ConfigReader csv = r.at("csv");
    String delimiter = csv.string("delimiter");
    if ("\\t".equals(delimiter) || "tab".equalsIgnoreCase(delimiter)) {
      delimiter = "\t";
    }
    Check.that(delimiter.length() == 1, "data.csv.delimiter", "must be one character, found '" + delimiter + "'");
    String format = r.string("format").toLowerCase(Locale.ROOT);
    return new DataConfig(format, r.string("train"), r.string("trainLabels"), r.string("test"),
        r.string("testLabels"), r.doubleValue("validationFraction"), r.doubleValue("testFraction"),
        r.intValue("numClasses"), r.stringList("classNames"), r.string("normalization").toLowerCase(Locale.ROOT),
        r.doubleValue("scaleMax"), r.intValue("partitions"), r.intValue("trainPerClass"),
        r.doubleValue("maxRejectedFraction"),
        new CsvOptions(csv.bool("header"), delimiter.charAt(0), csv.string("label")),
        new ParquetOptions(r.at("parquet").string("label"), r.at("parquet").stringList("features"),
            r.at("parquet").intList("imageShape")),
        new ImageOptions(r.at("images").intValue("height"), r.at("images").intValue("width"),
            r.at("images").bool("grayscale")), r.longValue("seed"), DataLimits.read(r.at("limits")),
        SequenceOptions.read(r.at("sequence")), GeneratedOptions.read(r.at("generated")));
  }

  private static final Set<String> LAYER_KEYS = new TreeSet<>(List.of("type", "units", "filters", "kernel", "stride",
      "padding", "pooling", "rate", "loss", "activation", "weightInit", "wraps", "mode", "forgetGateBias",
      "recurrentGain", "vocabulary"));

  private static ModelConfig model(ConfigReader r) {
    List<LayerSpec> layers = new ArrayList<>();
    for (ConfigReader layer : r.objectList("layers")) {
      layers.add(layer(layer, r));
    }
    ConfigReader u = r.at("updater");
    UpdaterSpec updater = new UpdaterSpec(u.string("type").toLowerCase(Locale.ROOT), u.doubleValue("learningRate"),
        u.doubleValue("momentum"));
    return new ModelConfig(layers, r.string("activation").toLowerCase(Locale.ROOT),
        r.string("weightInit").toLowerCase(Locale.ROOT), r.doubleValue("l2"), updater,
        r.string("gradientNormalization").toLowerCase(Locale.ROOT), r.doubleValue("gradientThreshold"),
        r.intValue("tbpttLength"), r.at("recurrent").doubleValue("gradientThreshold"));
  }

  private static LayerSpec layer(ConfigReader l, ConfigReader model) {
    for (String key : l.keys()) {
      if (!LAYER_KEYS.contains(key)) {
        throw new ConfigException(l.key(key), "unknown layer key; a layer takes " + String.join(", ", LAYER_KEYS));
      }
    }
    String type = l.string("type").toLowerCase(Locale.ROOT);
    boolean oneD = type.equals("conv1d") || type.equals("subsampling1d");
    List<Integer> kernel;
    List<Integer> stride;
    if (oneD) {
      // One number each: a 1-d layer slides along the time steps only.
      kernel = List.of(l.intValue("kernel", type.equals("subsampling1d") ? 2 : 3), 1);
      stride = List.of(l.intValue("stride", type.equals("subsampling1d") ? 2 : 1), 1);
    } else {
      kernel = l.intPair("kernel", type.equals("subsampling") ? List.of(2, 2) : List.of(3, 3));
      stride = l.intPair("stride", type.equals("subsampling") ? List.of(2, 2) : List.of(1, 1));
    }
    // Output layers default to softmax, recurrent ones to tanh (ReLU's unbounded output, fed back at every
    // step, grows without limit); the others to model.activation.
    String defaultActivation = LayerSpec.OUTPUTS.contains(type) ? "softmax"
        : LayerSpec.RECURRENT.contains(type) ? "tanh" : "";
    ConfigReader rec = model.at("recurrent");
    LayerSpec.SequenceKeys sequence = new LayerSpec.SequenceKeys(l.string("wraps", "lstm").toLowerCase(Locale.ROOT),
        l.string("mode", "concat").toLowerCase(Locale.ROOT),
        l.doubleValue("forgetGateBias", rec.doubleValue("forgetGateBias")),
        l.doubleValue("recurrentGain", 0.0), l.intValue("vocabulary", 0));
    return new LayerSpec(l.prefix(), type, l.intValue("units", 0), l.intValue("filters", 0), kernel, stride,
        l.string("padding", "same").toLowerCase(Locale.ROOT), l.string("pooling", "max").toLowerCase(Locale.ROOT),
        l.doubleValue("rate", 0.5), l.string("loss", "mcxent").toLowerCase(Locale.ROOT),
        l.string("activation", defaultActivation).toLowerCase(Locale.ROOT),
        l.string("weightInit", "").toLowerCase(Locale.ROOT), sequence);
  }

  private static TrainConfig train(ConfigReader r) {
    return new TrainConfig(r.intValue("epochs"), r.intValue("batchSizePerWorker"), r.intValue("averagingFrequency"),
        r.intValue("workers"), r.bool("saveUpdater"), r.intValue("workerPrefetchBatches"),
        TrainConfig.Approach.of(r.string("approach").toLowerCase(Locale.ROOT)), r.string("exportDirectory"),
        r.string("learningRate").trim().toLowerCase(Locale.ROOT), schedule(r.at("schedule")), guard(r.at("guard")),
        earlyStopping(r.at("earlyStopping")), stallPolicy(r.at("stall")));
  }

  private static StallConfig stallPolicy(ConfigReader r) {
    return new StallConfig(StallConfig.Action.of(r.string("action").toLowerCase(Locale.ROOT)),
        r.doubleValue("boostFactor"), r.intValue("boostRounds"), r.intValue("maxActions"));
  }

  private static ScheduleConfig schedule(ConfigReader r) {
    return new ScheduleConfig(r.string("type").toLowerCase(Locale.ROOT), r.doubleValue("gamma"), r.intValue("stepEpochs"),
        r.doubleValue("warmupEpochs"), r.doubleValue("minFactor"), r.doubleValue("pctStart"), r.doubleValue("divFactor"),
        r.doubleValue("finalDivFactor"), r.doubleValue("factor"), r.intValue("patience"), r.doubleValue("minDelta"),
        r.doubleValue("minLearningRate"), r.doubleValue("restartEpochs"), r.doubleValue("restartMultiplier"));
  }

  private static GuardConfig guard(ConfigReader r) {
    return new GuardConfig(r.bool("enabled"), r.doubleValue("spikeFactor"), r.intValue("window"),
        r.doubleValue("lrFactor"), r.intValue("maxRecoveries"));
  }

  private static EarlyStoppingConfig earlyStopping(ConfigReader r) {
    return new EarlyStoppingConfig(r.bool("enabled"), r.string("metric"), r.intValue("patience"),
        r.doubleValue("minDelta"), r.bool("restoreBest"));
  }

  private static final Set<String> AUGMENT_KEYS = new TreeSet<>(List.of("type", "p", "pixels", "degrees", "minArea",
      "maxArea", "std", "brightness", "contrast", "scale", "alpha", "steps", "fraction"));

  private static List<AugmentSpec> augment(ConfigReader r) {
    List<AugmentSpec> ops = new ArrayList<>();
    for (ConfigReader op : r.objectList("ops")) {
      for (String key : op.keys()) {
        if (!AUGMENT_KEYS.contains(key)) {
          throw new ConfigException(op.key(key), "unknown augmentation key; an augmentation takes "
              + String.join(", ", AUGMENT_KEYS));
        }
      }
      String type = op.string("type").toLowerCase(Locale.ROOT);
      ops.add(new AugmentSpec(op.prefix(), type, op.doubleValue("p", List.of("flip", "erase", "cutmix").contains(type) ? 0.5 : 1.0), op.intValue("pixels", 2), op.doubleValue("degrees", 10),
          op.doubleValue("minArea", 0.02), op.doubleValue("maxArea", 0.2),
          op.doubleValue("std", type.equals("scaling") ? 0.1 : 0.05),
          op.doubleValue("brightness", 0.1), op.doubleValue("contrast", 0.1), op.doubleValue("scale", 0.05),
          op.doubleValue("alpha", type.equals("cutmix") ? 1.0 : 0.2), op.intValue("steps", 5),
          op.doubleValue("fraction", 0.9)));
    }
    return ops;
  }

  private static CheckpointConfig checkpoint(ConfigReader r) {
    return new CheckpointConfig(r.intValue("everyRounds"), r.intValue("keep"));
  }

  private static TestTimeConfig testTime(ConfigReader r) {
    return new TestTimeConfig(r.bool("enabled"), r.intValue("shiftPixels"));
  }

  private static HealthConfig health(ConfigReader r) {
    return new HealthConfig(r.bool("enabled"), r.intValue("sampleEvery"), r.intValue("consecutive"),
        r.doubleValue("vanishingRatio"), r.doubleValue("vanishingRelativeNorm"), r.doubleValue("explodingRatio"),
        r.doubleValue("explodingGrowth"), r.intValue("growthWindow"), r.doubleValue("deadReluFraction"),
        stall(r.at("stall")), new HealthConfig.Time(r.at("time").doubleValue("vanishingRatio"),
            r.at("time").doubleValue("explodingRatio"), r.at("time").doubleValue("horizonFraction")));
  }

  private static HealthConfig.Stall stall(ConfigReader r) {
    return new HealthConfig.Stall(r.intValue("window"), r.doubleValue("noiseZ"), r.doubleValue("minRelativeDrop"),
        r.doubleValue("highLossFraction"), r.doubleValue("lowUpdateRatio"), r.intValue("validationEpochs"));
  }

  private static LrFindConfig lrFind(ConfigReader r) {
    return new LrFindConfig(r.doubleValue("minLearningRate"), r.doubleValue("maxLearningRate"), r.intValue("iterations"),
        r.doubleValue("smoothing"), r.doubleValue("divergeFactor"));
  }

  /**
   * The Spark settings of a command without a job (predict): reference.conf's {@code spark} section with
   * {@code overrides} ("spark.conf.key=value", "spark.master=...") applied; other keys are refused.
   */
  public static SparkSettings sparkSettings(List<String> overrides) {
    Config given = parseOverrides(overrides);
    for (String key : given.root().keySet()) {
      if (!key.equals("spark")) {
        throw new ConfigException(key, "--set takes only spark.* keys here (spark.master, spark.conf.\"...\")");
      }
    }
    Config merged;
    try {
      merged = given.withFallback(reference()).resolve();
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException("--set", e.getMessage(), e);
    }
    return spark(new ConfigReader(merged, "").at("spark"));
  }

  private static SparkSettings spark(ConfigReader r) {
    return new SparkSettings(r.string("master"), new LinkedHashMap<>(r.at("conf").flatStrings()));
  }

  /**
   * The resolved config as HOCON text, with values of keys that look secret replaced and secrets inside
   * other values (Java options, URIs) masked ({@link Redaction}).
   */
  public static String renderRedacted(Config resolved) {
    Config out = resolved;
    for (Map.Entry<String, ConfigValue> entry : resolved.entrySet()) {
      if (Redaction.isSecretKey(entry.getKey())) {
        out = out.withValue(entry.getKey(), ConfigValueFactory.fromAnyRef(Redaction.MASK));
      } else if (entry.getValue().valueType() == com.typesafe.config.ConfigValueType.STRING) {
        String text = (String) entry.getValue().unwrapped();
        String shown = Redaction.text(text);
        if (!shown.equals(text)) {
          out = out.withValue(entry.getKey(), ConfigValueFactory.fromAnyRef(shown));
        }
      } else if (entry.getValue().valueType() == com.typesafe.config.ConfigValueType.LIST) {
        // Strings in a list masked one by one: the rendered file still loads.
        List<Object> items = new java.util.ArrayList<>();
        boolean changed = false;
        for (Object item : (List<?>) entry.getValue().unwrapped()) {
          Object shown = item instanceof String s ? Redaction.text(s) : item;
          changed |= !java.util.Objects.equals(shown, item);
          items.add(shown);
        }
        if (changed) {
          out = out.withValue(entry.getKey(), ConfigValueFactory.fromIterable(items));
        }
      }
    }
    return out.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
  }
}
