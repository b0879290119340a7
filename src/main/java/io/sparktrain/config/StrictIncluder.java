package io.sparktrain.config;

import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import java.io.File;
import java.net.URL;

/**
 * Every {@code include} of a job file is required: HOCON skips a missing include silently, and the job
 * then fails on a consequence ("model.layers: is empty") far from its cause (a misspelt file name). With
 * this includer the parse fails at the include, naming the including file, its line and the missing file.
 */
final class StrictIncluder implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL, ConfigIncluderClasspath {
  private final ConfigIncluder fallback;

  StrictIncluder() {
    this(null);
  }

  private StrictIncluder(ConfigIncluder fallback) {
    this.fallback = fallback;
  }

  @Override
  public ConfigIncluder withFallback(ConfigIncluder other) {
    return fallback == null ? new StrictIncluder(other) : new StrictIncluder(fallback.withFallback(other));
  }

  private static ConfigIncludeContext required(ConfigIncludeContext context) {
    return context.setParseOptions(context.parseOptions().setAllowMissing(false));
  }

  @Override
  public ConfigObject include(ConfigIncludeContext context, String what) {
    return fallback.include(required(context), what);
  }

  @Override
  public ConfigObject includeFile(ConfigIncludeContext context, File what) {
    return ((ConfigIncluderFile) fallback).includeFile(required(context), what);
  }

  @Override
  public ConfigObject includeURL(ConfigIncludeContext context, URL what) {
    return ((ConfigIncluderURL) fallback).includeURL(required(context), what);
  }

  @Override
  public ConfigObject includeResources(ConfigIncludeContext context, String what) {
    return ((ConfigIncluderClasspath) fallback).includeResources(required(context), what);
  }
}
