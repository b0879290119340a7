package io.sparktrain.testing;

import io.sparktrain.report.schema.MetricsLine;
import io.sparktrain.report.schema.SummaryFile;
import java.util.List;
import java.util.Map;

/** A small completed run as the schema's records: a two-class CSV job, for tests that need a run's files. */
public final class Summaries {
  private Summaries() {}

  /**
   * @param className the first class's name (the second is "b")
   * @param testTime the test-time augmentation entry, or null for a run without it
   */
  public static SummaryFile completed(String className, double accuracy, SummaryFile.TestTimeAugmentation testTime) {
    SummaryFile.Test test = new SummaryFile.Test(accuracy, 0.3, 10, 0.92, 0.9, 0.8,
        List.of(new SummaryFile.PerClass(0, className, 1.0, 0.8, 0.89, 5),
            new SummaryFile.PerClass(1, "b", 0.83, 1.0, 0.91, 5)),
        new SummaryFile.ConfusionMatrix("actual class", "predicted class", List.of(className, "b"),
            List.of(List.of(4L, 1L), List.of(0L, 5L))), testTime);
    SummaryFile.Data data = new SummaryFile.Data("csv", new SummaryFile.Sources("x.csv", null, null, null),
        "2 features", 2, List.of(className, "b"), new SummaryFile.Sizes(8, 2, 10), List.of(4L, 4L),
        new SummaryFile.Split(0.1, null, 0.5), new SummaryFile.Normalization("none", null, null),
        new SummaryFile.Rejected(0, 0.01, List.of()), null, List.of("x1", "x2"));
    SummaryFile.Training training = new SummaryFile.Training("adam", 0.001,
        "parameter averaging (dl4j-spark ParameterAveragingTrainingMaster)", 2, 4, 1, true, "export", "none", true,
        "off", "boost");
    SummaryFile.Health health = new SummaryFile.Health(List.of(), 0, new SummaryFile.Guard(0, List.of()),
        new SummaryFile.Stall(0, List.of()),
        new SummaryFile.Stopping("epochs", "all 2 epochs ran", 2),
        new SummaryFile.LearningRate("model.updater.learningRate", 0.001, 0.001, null));
    return SummaryFile.completed("job", 42, "2026-11-27T00:00:00Z", "2026-11-27T00:00:00Z", test,
        new SummaryFile.Epochs(2, 0.5, 0.6, 0.8, 110.0), Map.of("totalSeconds", 3.5), data, training, health,
        new SummaryFile.Augmentation(List.of(), null, null),
        new SummaryFile.Spark("local[2]", 2, 1, "app", "1"), Map.of("spark", "3.5.7"), "abc");
  }

  /** The metrics.jsonl lines of {@link #completed}'s two epochs. */
  public static List<MetricsLine> epochs() {
    return List.of(
        new MetricsLine.Epoch(1, 2, 0.9, 0.8, 0.7, 100.0, 2.0, 1.5, 0.5, new MetricsLine.TrainTime(1.2, 0.1, 0.05, 0.15), 0.001, "2026-11-27T00:00:00Z"),
        new MetricsLine.Epoch(2, 2, 0.5, 0.6, 0.8, 120.0, 1.8, 1.3, 0.5, null, 0.001, "2026-11-27T00:00:00Z"));
  }
}
