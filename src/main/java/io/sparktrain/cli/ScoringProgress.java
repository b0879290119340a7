package io.sparktrain.cli;

import io.sparktrain.serve.Scorer;
import java.io.PrintWriter;
import java.util.Locale;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * In a terminal, a progress bar while records are scored: partitions done of the scoring job's tasks,
 * records scored, records/s. Polls Spark's status tracker and the scorer's accumulator on its own
 * thread; off a terminal it prints nothing (the command prints one line at the end).
 */
final class ScoringProgress implements AutoCloseable {
  private static final int WIDTH = 24;
  private final Thread thread;
  private volatile boolean running = true;

  ScoringProgress(JavaSparkContext sc, Scorer scorer, String group, String what, PrintWriter out, boolean terminal) {
    long t0 = System.nanoTime();
    thread = new Thread(() -> {
      boolean shown = false;
      while (running) {
        if (terminal) {
          int[] tasks = tasks(sc, group);
          long n = scorer.scoredSoFar();
          double seconds = (System.nanoTime() - t0) / 1e9;
          int done = tasks[1] == 0 ? 0 : (int) Math.round(WIDTH * Math.min(1.0, tasks[0] / (double) tasks[1]));
          out.printf(Locale.ROOT, "\r%s [%s%s] %d/%d partitions, %,d records  %.0f records/s   ", what,
              "#".repeat(done), ".".repeat(WIDTH - done), tasks[0], tasks[1], n, n / Math.max(seconds, 1e-9));
          out.flush();
          shown = true;
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          break;
        }
      }
      if (shown) {
        out.print("\r" + " ".repeat(100) + "\r");
        out.flush();
      }
    }, "sparktrain-progress");
    thread.setDaemon(true);
    thread.start();
  }

  /** Tasks completed and in all of the group's jobs' stages. */
  private static int[] tasks(JavaSparkContext sc, String group) {
    int done = 0;
    int total = 0;
    for (int job : sc.statusTracker().getJobIdsForGroup(group)) {
      SparkJobInfo info = sc.statusTracker().getJobInfo(job);
      if (info == null) {
        continue;
      }
      for (int stage : info.stageIds()) {
        SparkStageInfo s = sc.statusTracker().getStageInfo(stage);
        if (s != null) {
          done += s.numCompletedTasks();
          total += s.numTasks();
        }
      }
    }
    return new int[] {done, total};
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
