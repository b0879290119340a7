package io.sparktrain.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Typed, checked access to a HOCON {@link Config}. Every failure is a {@link ConfigException} naming the
 * full key (with {@code prefix}), the value found and what is allowed.
 */
final class ConfigReader {
  private final Config config;
  private final String prefix;

  ConfigReader(Config config, String prefix) {
    this.config = config;
    this.prefix = prefix;
  }

  ConfigReader at(String path) {
    try {
      return new ConfigReader(config.getConfig(path), key(path));
    } catch (com.typesafe.config.ConfigException.WrongType e) {
      com.typesafe.config.ConfigValue v = config.getValue(path);
      String where = v.origin().filename() != null
          ? " (" + v.origin().filename() + (v.origin().lineNumber() > 0 ? ":" + v.origin().lineNumber() : "") + ")" : "";
      throw new ConfigException(key(path), "expected a section { ... }, found "
          + v.render(com.typesafe.config.ConfigRenderOptions.concise()) + where
          + "; see conf/reference.conf for the keys it holds", e);
    }
  }

  String key(String path) {
    return prefix.isEmpty() ? path : prefix + "." + path;
  }

  String prefix() {
    return prefix;
  }

  /** The keys directly under this object. */
  java.util.Set<String> keys() {
    return config.root().keySet();
  }

  /** Every leaf under this object, keyed by its full dotted name (quoted segments joined with dots). */
  java.util.Map<String, String> flatStrings() {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    for (java.util.Map.Entry<String, ConfigValue> e : config.entrySet()) {
      out.put(String.join(".", com.typesafe.config.ConfigUtil.splitPath(e.getKey())),
          String.valueOf(e.getValue().unwrapped()));
    }
    return out;
  }

  boolean has(String path) {
    return config.hasPath(path);
  }

  String string(String path) {
    require(path);
    ConfigValue value = config.getValue(path);
    Object raw = value.unwrapped();
    if (raw instanceof List || raw instanceof java.util.Map) {
      throw new ConfigException(key(path), "expected a single value, found " + value.render());
    }
    return String.valueOf(raw).trim();
  }

  String string(String path, String fallback) {
    return has(path) ? string(path) : fallback;
  }

  long longValue(String path) {
    String text = string(path);
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new ConfigException(key(path), "expected a whole number, found '" + text + "'");
    }
  }

  int intValue(String path) {
    long value = longValue(path);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new ConfigException(key(path), "expected a whole number below 2^31, found " + value);
    }
    return (int) value;
  }

  int intValue(String path, int fallback) {
    return has(path) ? intValue(path) : fallback;
  }

  double doubleValue(String path) {
    String text = string(path);
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new ConfigException(key(path), "expected a number, found '" + text + "'");
    }
  }

  double doubleValue(String path, double fallback) {
    return has(path) ? doubleValue(path) : fallback;
  }

  boolean bool(String path) {
    String text = string(path).toLowerCase(Locale.ROOT);
    switch (text) {
      case "true": case "yes": case "on": return true;
      case "false": case "no": case "off": return false;
      default: throw new ConfigException(key(path), "expected true or false, found '" + text + "'");
    }
  }

  List<String> stringList(String path) {
    require(path);
    try {
      return List.copyOf(config.getStringList(path));
    } catch (com.typesafe.config.ConfigException.WrongType e) {
      throw new ConfigException(key(path), "expected a list of strings, found " + config.getValue(path).render());
    }
  }

  List<Integer> intList(String path) {
    require(path);
    try {
      return List.copyOf(config.getIntList(path));
    } catch (com.typesafe.config.ConfigException.WrongType e) {
      throw new ConfigException(key(path), "expected a list of whole numbers, found " + config.getValue(path).render());
    }
  }

  List<Integer> intPair(String path, List<Integer> fallback) {
    if (!has(path)) {
      return fallback;
    }
    List<Integer> values = new ArrayList<>();
    try {
      values.addAll(config.getIntList(path));
    } catch (com.typesafe.config.ConfigException.WrongType e) {
      throw new ConfigException(key(path), "expected two whole numbers like [5, 5], found " + config.getValue(path).render());
    }
    if (values.size() != 2 || values.get(0) < 1 || values.get(1) < 1) {
      throw new ConfigException(key(path), "expected two positive whole numbers like [5, 5], found " + values);
    }
    return List.copyOf(values);
  }

  /** The items of a list of any values. */
  List<ConfigValue> list(String path) {
    require(path);
    try {
      return List.copyOf(config.getList(path));
    } catch (com.typesafe.config.ConfigException.WrongType e) {
      throw new ConfigException(key(path), "expected a list like [1, 2], found " + config.getValue(path).render());
    }
  }

  List<ConfigReader> objectList(String path) {
    require(path);
    List<ConfigReader> out = new ArrayList<>();
    List<? extends Config> items;
    try {
      items = config.getConfigList(path);
    } catch (com.typesafe.config.ConfigException.WrongType e) {
      throw new ConfigException(key(path), "expected a list of objects like [{ type = dense, units = 64 }], found "
          + config.getValue(path).render());
    }
    for (int i = 0; i < items.size(); i++) {
      out.add(new ConfigReader(items.get(i), key(path) + "[" + i + "]"));
    }
    return out;
  }

  private void require(String path) {
    if (!config.hasPath(path)) {
      throw new ConfigException(key(path), "is missing; see conf/reference.conf for its meaning");
    }
  }
}
