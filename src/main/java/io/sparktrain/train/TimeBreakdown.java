package io.sparktrain.train;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.stats.EventStats;

/**
 * Where an epoch's training time went, from dl4j-spark's training statistics: fitting on the workers,
 * broadcasting parameters, averaging them, and getting the data to the workers. The statistics are
 * cumulative over the run; each call returns the part added since the previous call.
 */
final class TimeBreakdown {
  /** dl4j-spark statistic keys, by the part of the time they belong to. */
  private static final Map<String, List<String>> PARTS = new LinkedHashMap<>();

  static {
    PARTS.put("workerFit", List.of("ParameterAveragingWorkerFitTimesMs"));
    PARTS.put("broadcast", List.of("ParameterAveragingMasterBroadcastCreateTimesMs",
        "ParameterAveragingWorkerBroadcastGetValueTimeMs"));
    PARTS.put("averaging", List.of("ParameterAveragingMasterAggregateTimesMs",
        "ParameterAveragingMasterProcessParamsUpdaterTimesMs"));
    PARTS.put("data", List.of("parameterAveragingMasterExportTimesMs", "ParameterAveragingMasterCountRddSizeTimesMs",
        "ParameterAveragingMasterSplitTimesMs", "ParameterAveragingMasterRepartitionTimesMs"));
  }

  private final Map<String, Double> previous = new HashMap<>();

  /**
   * Seconds per part since the last call. Worker times are summed over workers, so they are divided by
   * {@code workers} to read as wall-clock time.
   */
  Map<String, Double> next(SparkTrainingStats stats, int workers) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (stats == null) {
      return out;
    }
    for (Map.Entry<String, List<String>> part : PARTS.entrySet()) {
      double ms = 0;
      for (String key : part.getValue()) {
        double keyMs = totalMs(stats, key);
        ms += key.startsWith("ParameterAveragingWorker") ? keyMs / Math.max(1, workers) : keyMs;
      }
      double seconds = ms / 1000.0;
      double before = previous.getOrDefault(part.getKey(), 0.0);
      // Statistics restart with a new training master (the direct approach makes one per epoch).
      out.put(part.getKey(), seconds >= before ? seconds - before : seconds);
      previous.put(part.getKey(), seconds);
    }
    return out;
  }

  private static double totalMs(SparkTrainingStats stats, String key) {
    double ms = 0;
    for (SparkTrainingStats s = stats; s != null; s = s.getNestedTrainingStats()) {
      if (s.getKeySet().contains(key)) {
        List<EventStats> events = s.getValue(key);
        if (events != null) {
          for (EventStats e : events) {
            ms += e.getDurationMs();
          }
        }
      }
    }
    return ms;
  }
}
