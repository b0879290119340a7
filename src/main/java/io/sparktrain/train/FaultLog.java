package io.sparktrain.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.Success$;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * What the cluster lost while the run trained, from Spark's own events: executors removed (killed,
 * preempted, lost), and task attempts that failed and were run again, with the seconds they had run.
 * Spark retries a failed task from the same inputs, and the trainer counts only the attempts that
 * succeeded, so a loss costs time, not correctness; this log says how much time.
 */
public final class FaultLog extends SparkListener {
  /** One executor removed, as Spark reported it. */
  public record ExecutorLost(String executorId, String reason, String time) {}

  /**
   * @param executorsLost executors removed while training
   * @param failedTasks task attempts that did not succeed (each was run again, or the job failed)
   * @param lostTaskSeconds seconds those attempts had run before they failed
   */
  public record Faults(List<ExecutorLost> executorsLost, int failedTasks, double lostTaskSeconds) {
    public Faults {
      executorsLost = List.copyOf(executorsLost);
    }

    public static final Faults NONE = new Faults(List.of(), 0, 0);

    /** These faults followed by those of a later attempt at the same run. */
    public Faults plus(Faults later) {
      List<ExecutorLost> all = new ArrayList<>(executorsLost);
      all.addAll(later.executorsLost());
      return new Faults(all, failedTasks + later.failedTasks(), lostTaskSeconds + later.lostTaskSeconds());
    }
  }

  private final List<ExecutorLost> lost = new ArrayList<>();
  private int failed;
  private double lostSeconds;

  public FaultLog(JavaSparkContext sc) {
    sc.sc().addSparkListener(this);
  }

  @Override
  public synchronized void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
    lost.add(new ExecutorLost(removed.executorId(), removed.reason(),
        java.time.Instant.ofEpochMilli(removed.time()).toString()));
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
    if (end.reason() != Success$.MODULE$ && end.taskInfo() != null) {
      failed++;
      lostSeconds += end.taskInfo().duration() / 1000.0;
    }
  }

  public synchronized Faults faults() {
    return new Faults(lost, failed, lostSeconds);
  }

  public void close(JavaSparkContext sc) {
    sc.sc().removeSparkListener(this);
  }

  @Override
  public synchronized String toString() {
    return String.format(Locale.ROOT, "%d executors lost, %d task attempts failed (%.1f s of work redone)",
        lost.size(), failed, lostSeconds);
  }
}
