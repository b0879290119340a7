package io.sparktrain.tune;

import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * {@code tune.placement = executor}: every task of a search is a Spark job of one task, so Spark's
 * scheduler puts it on whichever executor has a free slot and P concurrent trials use P slots (as
 * Hyperopt's SparkTrials spreads trials). The data travel once, as a broadcast. A trial whose executor is
 * lost is run again: first by Spark itself (a task's attempts, {@code spark.task.maxFailures}: 4 on a
 * cluster, 1 in local mode), then, when Spark gives up on the job for that reason, by this runner, up to
 * {@code tune.retries} more jobs; any other failure is the trial's. Its result counts every attempt.
 */
public final class ExecutorTrials implements TrialRunner {
  private final JavaSparkContext sc;
  private final Broadcast<TrialData> data;
  private final int retries;

  public ExecutorTrials(JavaSparkContext sc, TrialData data, int retries) {
    this.sc = sc;
    this.data = sc.broadcast(data);
    this.retries = retries;
  }

  @Override
  public TrialResult run(TrialTask task) {
    String what = String.format(Locale.ROOT, "trial %d: epochs %d-%d", task.number(), task.fromEpochs() + 1,
        task.toEpochs());
    for (int attempt = 1; ; attempt++) {
      sc.setJobGroup("sparktrain-trial-" + task.number(), what, true);
      // The checkpoint (megabytes for a CNN) travels as a broadcast, not inside the task.
      Broadcast<byte[]> checkpoint = task.checkpoint() == null ? null : sc.broadcast(task.checkpoint());
      try {
        Broadcast<TrialData> d = data;
        List<TrialResult> out = sc.parallelize(List.of(task.withCheckpoint(null)), 1)
            .map(t -> TrialTrainer.run(checkpoint == null ? t : t.withCheckpoint(checkpoint.value()), d.value()))
            .collect();
        return out.get(0).withAttempts(attempt - 1 + out.get(0).attempts());
      } catch (RuntimeException e) {
        String reason = reason(e);
        if (executorLost(e) && attempt <= retries) {
          synchronized (System.out) {
            System.out.printf(Locale.ROOT, "tune: trial %d lost its executor (%s); running it again%n", task.number(),
                reason);
            System.out.flush();
          }
          continue;
        }
        return new TrialResult(task.number(), task.fromEpochs(), List.of(), null,
            (executorLost(e) ? "executor lost " + attempt + " times: " : "the Spark job failed: ") + reason, "",
            "", 0, attempt);
      } finally {
        sc.clearJobGroup();
        if (checkpoint != null) {
          checkpoint.destroy();
        }
      }
    }
  }

  /** Whether Spark failed the job because the executor running it went away (killed, out of memory, node lost). */
  static boolean executorLost(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("ExecutorLostFailure") || m.contains("executor lost") || m.contains("Executor heartbeat timed out")
          || m.contains("Remote RPC client disassociated")) {
        return true;
      }
    }
    return false;
  }

  /** Spark's failure message cut to its first line, without "Job aborted due to stage failure:". */
  static String reason(Throwable e) {
    Throwable root = e instanceof SparkException || e.getCause() == null ? e : e.getCause();
    String m = String.valueOf(root.getMessage());
    int nl = m.indexOf('\n');
    if (nl > 0) {
      m = m.substring(0, nl);
    }
    return m.replace("Job aborted due to stage failure: ", "").trim();
  }
}
