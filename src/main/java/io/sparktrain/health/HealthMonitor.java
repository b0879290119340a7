package io.sparktrain.health;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.CollectionAccumulator;

/** The driver's side of {@link HealthListener}: the accumulator, and the samples added since the last drain. */
public final class HealthMonitor {
  private final CollectionAccumulator<HealthSample> samples;
  private final int sampleEvery;
  private int seen;

  public HealthMonitor(JavaSparkContext sc, int sampleEvery) {
    this.samples = sc.sc().collectionAccumulator("sparktrain gradient health");
    this.sampleEvery = sampleEvery;
  }

  /** A listener for the workers' networks; serialised into every training task. */
  public HealthListener listener() {
    return new HealthListener(samples, sampleEvery);
  }

  /** Samples that arrived since the previous call; call between Spark jobs. */
  public List<HealthSample> drain() {
    List<HealthSample> all = samples.value();
    List<HealthSample> out = new ArrayList<>(all.subList(Math.min(seen, all.size()), all.size()));
    seen = all.size();
    return out;
  }
}
