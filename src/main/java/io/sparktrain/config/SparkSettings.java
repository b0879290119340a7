package io.sparktrain.config;

import java.util.Map;

/** The Spark master to use when none is given by spark-submit or --master, and extra Spark settings. */
public record SparkSettings(String master, Map<String, String> conf) {
  public SparkSettings {
    Check.notBlank("spark.master", master, "a Spark master URL such as local[2] or spark://host:7077");
    conf = Map.copyOf(conf);
  }
}
