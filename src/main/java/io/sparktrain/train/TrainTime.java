package io.sparktrain.train;

/**
 * Where an epoch's training seconds went, in wall-clock time ({@link PhaseClock}). The worker parts are
 * means over the epoch's training tasks per worker, so the four parts add up to the epoch's training
 * seconds (rounding aside).
 *
 * @param fit the workers inside DL4J's fit of a minibatch: forward, backward, the updater (and the
 *     health listener's samples)
 * @param workerOther the rest of the workers' tasks: building the network from the broadcast
 *     parameters, waiting for minibatches the prefetch did not hide, returning the parameters (and, in
 *     an epoch that exports, writing the minibatches)
 * @param taskOverhead launching the tasks and fetching their results: scheduling, deserialising the
 *     task, serialising its result
 * @param driver the driver between tasks: broadcasting the parameters, averaging the workers' results,
 *     the divergence guard's and health checks between rounds
 */
public record TrainTime(double fit, double workerOther, double taskOverhead, double driver) {
  /** An epoch whose parts were not measured (a trial trained on one executor without Spark jobs). */
  public static final TrainTime UNKNOWN = new TrainTime(Double.NaN, Double.NaN, Double.NaN, Double.NaN);

  /**
   * The parts from the totals of one epoch.
   *
   * @param trainSeconds the epoch's training wall time on the driver
   * @param fitSeconds summed over all training tasks
   * @param runSeconds the tasks' run time on the executors, summed
   * @param taskSeconds the tasks' time from launch to finish, summed
   * @param workers the tasks running side by side
   */
  static TrainTime of(double trainSeconds, double fitSeconds, double runSeconds, double taskSeconds, int workers) {
    int w = Math.max(1, workers);
    double fit = fitSeconds / w;
    double run = Math.max(fit, runSeconds / w);
    double task = Math.max(run, taskSeconds / w);
    return new TrainTime(fit, run - fit, task - run, Math.max(0, trainSeconds - task));
  }

  public boolean known() {
    return !Double.isNaN(fit);
  }
}
