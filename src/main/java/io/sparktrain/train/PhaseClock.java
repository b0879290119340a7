package io.sparktrain.train;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;

/**
 * Measures where training time goes, in wall-clock time, for {@link TrainTime}. The workers time each
 * minibatch's fit ({@link ProgressHook}, into an accumulator); Spark reports each training task's run
 * time on its executor and its time from launch to finish (a listener on the training stages: those
 * whose job description ends in {@value #TRAINING}); the driver's own share is the rest of the epoch's
 * training time. dl4j-spark's training statistics are not used: their spans overlap one another and the
 * driver's work, and added up to more than the epoch took.
 */
final class PhaseClock extends SparkListener {
  /** The end of the description of the jobs that train (TrainingLoop sets it). */
  static final String TRAINING = ": training";

  private final LongAccumulator fitNanos;
  private final Set<Integer> trainingStages = ConcurrentHashMap.newKeySet();
  private final AtomicLong runMillis = new AtomicLong();
  private final AtomicLong taskMillis = new AtomicLong();
  private long seenFit;
  private long seenRun;
  private long seenTask;

  PhaseClock(JavaSparkContext sc) {
    fitNanos = sc.sc().longAccumulator("sparktrain fit nanoseconds");
    sc.sc().addSparkListener(this);
  }

  /** The accumulator the workers add each minibatch's fit time to. */
  LongAccumulator fitNanos() {
    return fitNanos;
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
    String description = submitted.properties() == null ? null
        : submitted.properties().getProperty("spark.job.description");
    if (description != null && description.endsWith(TRAINING)) {
      trainingStages.add(submitted.stageInfo().stageId());
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (!trainingStages.contains(end.stageId()) || !end.taskInfo().successful()) {
      return;
    }
    taskMillis.addAndGet(end.taskInfo().duration());
    if (end.taskMetrics() != null) {
      runMillis.addAndGet(end.taskMetrics().executorRunTime());
    }
  }

  /**
   * The parts of the training time since the last call. Called at an epoch's end, after validation: by
   * then Spark's listener bus has delivered the epoch's training tasks.
   */
  synchronized TrainTime next(double trainSeconds, int workers) {
    long fit = fitNanos.value();
    long run = runMillis.get();
    long task = taskMillis.get();
    TrainTime t = TrainTime.of(trainSeconds, (fit - seenFit) / 1e9, (run - seenRun) / 1e3, (task - seenTask) / 1e3,
        workers);
    seenFit = fit;
    seenRun = run;
    seenTask = task;
    return t;
  }
}
