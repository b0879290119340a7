package io.sparktrain.tune;

import com.typesafe.config.Config;
import io.sparktrain.config.ConfigException;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.SearchSpace;
import io.sparktrain.config.TuneConfig;
import io.sparktrain.publish.RunDirectory;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The driver side of a search: asks {@link Asha} what to run whenever a slot is free, hands trials to a
 * {@link TrialRunner}, records what they report, and keeps the search folder current after every
 * report (trials.csv, curves.csv, each trial's checkpoint under trials/), so a killed search continues
 * with {@code --resume} from what it wrote. It stops nothing and rethrows nothing a trial does: a trial
 * that fails is a row with its reason.
 */
public final class Search {
  public static final String CHECKPOINTS = "trials";
  public static final String JOB = "search-job.conf";
  public static final String SPACE = "search-space.conf";

  private final SearchSpace space;
  private final TuneConfig tune;
  private final Config job;
  private final long seed;
  private final RunDirectory dir;
  private final TrialRunner runner;
  private final PrintWriter out;
  private final Sampler sampler;
  private final List<String> dimensions;

  private Asha asha;
  private Asha.State state;
  private final Map<Integer, TrialRecord> trials = new TreeMap<>();
  private final List<TrialsCsv.Epoch> curves = new ArrayList<>();
  private final long startNanos = System.nanoTime();

  public Search(SearchSpace space, Config job, long seed, RunDirectory dir, TrialRunner runner, PrintWriter out) {
    this.space = space;
    this.tune = space.tune();
    this.job = job;
    this.seed = seed;
    this.dir = dir;
    this.runner = runner;
    this.out = out;
    this.sampler = Samplers.of(space, tune, seed);
    this.dimensions = space.dimensions().stream().map(d -> d.key()).toList();
    this.asha = new Asha(tune.eta(), tune.grace(), tune.maxEpochs(), tune.trials(),
        tune.scheduler() == TuneConfig.SchedulerKind.ASHA);
    this.state = asha.initial();
  }

  public Asha asha() {
    return asha;
  }

  public Sampler sampler() {
    return sampler;
  }

  /** The seed of trial {@code number}: a function of the search seed and the number alone. */
  public static long trialSeed(long searchSeed, int number) {
    return Math.floorMod(Samplers.mix(searchSeed, number), 1L << 40);
  }

  /** Picks up what an earlier, killed search wrote: finished trials stay, running ones go on from their checkpoint. */
  public List<TrialTask> resume() {
    List<TrialRecord> saved = TrialsCsv.read(dir.read(TrialsCsv.TRIALS));
    if (dir.exists(TrialsCsv.CURVES)) {
      curves.addAll(TrialsCsv.readCurves(dir.read(TrialsCsv.CURVES)));
    }
    List<TrialTask> pending = new ArrayList<>();
    for (TrialRecord t : saved) {
      trials.put(t.number(), t);
      state = asha.dispatched(state, new Asha.Start(t.number(), asha.rungs().get(0)));
      for (int k = 0; k <= t.rung(); k++) {
        int epochs = asha.rungs().get(k);
        double metric = curves.stream().filter(e -> e.trial() == t.number() && e.epoch() == epochs)
            .mapToDouble(e -> tune.metric().score(metricOf(e))).findFirst().orElse(Double.NaN);
        state = asha.reported(state, t.number(), k, metric);
        if (k < t.rung() || t.status() == TrialRecord.Status.RUNNING && k == t.rung()) {
          state = asha.dispatched(state, new Asha.Promote(t.number(), k, k + 1, epochs, 0));
        }
      }
      if (t.status() == TrialRecord.Status.FAILED) {
        state = asha.reported(state, t.number(), Math.max(0, asha.rungAt(t.targetEpochs())), Double.NaN);
      }
      if (t.status() == TrialRecord.Status.RUNNING) {
        // Its last task was lost with the search: run it again from the checkpoint it had.
        curves.removeIf(e -> e.trial() == t.number() && e.epoch() > t.epochs());
        pending.add(task(t, t.epochs(), t.targetEpochs()));
      }
    }
    printf("tune: resuming %s: %d trials recorded (%d finished, %d to continue)%n", dir.uri(), saved.size(),
        saved.stream().filter(TrialRecord::finished).count(), pending.size());
    return pending;
  }

  private double metricOf(TrialsCsv.Epoch e) {
    return tune.metric() == TuneConfig.Metric.VALIDATION_ACCURACY ? e.validationAccuracy() : e.validationLoss();
  }

  /** Runs the search to its end; {@code pending} are tasks to run first (a resumed search's). */
  public List<TrialRecord> run(List<TrialTask> pending, int requested) {
    int parallelism = runner.slots() > 0 ? Math.min(runner.slots(), requested) : requested;
    ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
      Thread t = new Thread(r, "sparktrain-trial");
      t.setDaemon(true);
      return t;
    });
    CompletionService<TrialResult> done = new ExecutorCompletionService<>(pool);
    printf("tune: %s sampling, %s; rungs at %s epochs; %d trials at most, %d at a time%n", sampler.name(),
        tune.scheduler() == TuneConfig.SchedulerKind.ASHA ? "ASHA (eta " + tune.eta() + ")" : "no early termination",
        asha.rungs(), tune.trials(), parallelism);
    int running = 0;
    List<TrialTask> queue = new ArrayList<>(pending);
    try {
      while (true) {
        while (running < parallelism) {
          Optional<TrialTask> next = queue.isEmpty() ? nextTask(running) : Optional.of(queue.remove(0));
          if (next.isEmpty()) {
            break;
          }
          TrialTask task = next.get();
          done.submit(() -> runner.run(task));
          running++;
        }
        if (running == 0) {
          break;
        }
        Future<TrialResult> f = done.take();
        running--;
        report(resultOf(f));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the search was interrupted", e);
    } finally {
      pool.shutdownNow();
    }
    finish();
    return List.copyOf(trials.values());
  }

  private TrialResult resultOf(Future<TrialResult> f) throws InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      // The runner turns every failure of a trial into a result; anything else is the search's own fault.
      throw new IllegalStateException("a trial's runner failed: " + e.getCause(), e.getCause());
    }
  }

  /** The next task ASHA asks for, or empty when nothing can run until a trial reports. */
  private Optional<TrialTask> nextTask(int running) {
    while (true) {
      Asha.Decision d = asha.next(state, running);
      if (d instanceof Asha.Promote p) {
        state = asha.dispatched(state, p);
        TrialRecord t = trials.get(p.number()).running(p.toEpochs());
        trials.put(t.number(), t);
        save();
        printf("tune: trial %d promoted to rung %d (%d epochs)%n", t.number(), p.to(), p.toEpochs());
        return Optional.of(task(t, p.fromEpochs(), p.toEpochs()));
      }
      if (d instanceof Asha.Start s) {
        Optional<Map<String, Object>> values = sampler.next(s.number(), finished());
        if (values.isEmpty()) {
          asha = asha.closedAt(s.number());
          continue;
        }
        state = asha.dispatched(state, s);
        TrialRecord t = TrialRecord.started(s.number(), space.active(values.get()), trialSeed(seed, s.number()),
            s.epochs());
        trials.put(t.number(), t);
        save();
        printf("tune: trial %d started: %s%n", t.number(), describe(t.values()));
        return Optional.of(task(t, 0, s.epochs()));
      }
      return Optional.empty();
    }
  }

  private List<TrialRecord> finished() {
    return trials.values().stream().filter(TrialRecord::finished).toList();
  }

  TrialTask task(TrialRecord t, int from, int to) {
    Config trialJob = space.trialJob(job, t.values(), t.seed(), tune.maxEpochs());
    byte[] checkpoint = from == 0 || !runner.carriesCheckpoints() ? null
        : dir.readBytes(checkpointName(t.number(), from));
    return new TrialTask(t.number(), ConfigLoader.renderJob(trialJob), from, to, checkpoint);
  }

  /** The checkpoint of trial {@code number} after {@code epochs} epochs (the older one is deleted once trials.csv names the newer). */
  public static String checkpointName(int number, int epochs) {
    return String.format(Locale.ROOT, "%s/trial-%04d-e%03d.zip", CHECKPOINTS, number, epochs);
  }

  private void report(TrialResult r) {
    TrialRecord t = trials.get(r.number());
    int from = t.epochs();
    curves.removeIf(e -> e.trial() == r.number() && e.epoch() > from);
    curves.addAll(r.curve());
    TrialsCsv.Epoch last = r.curve().isEmpty() ? null : r.curve().get(r.curve().size() - 1);
    double acc = last == null ? t.validationAccuracy() : last.validationAccuracy();
    double loss = last == null ? t.validationLoss() : last.validationLoss();
    double train = last == null ? t.trainLoss() : last.trainLoss();
    double metric = last == null ? t.metric() : metricOf(last);
    int attempts = r.attempts();
    if (r.failed()) {
      int rung = asha.rungAt(t.targetEpochs());
      state = asha.reported(state, t.number(), Math.max(0, rung), Double.NaN);
      t = t.reported(t.rung(), t.epochs(), Double.NaN, acc, loss, train, r.seconds(), attempts, r.executor(),
          TrialRecord.Status.FAILED, r.failure());
      printf("tune: trial %d failed: %s%n", t.number(), r.failure());
    } else {
      if (runner.carriesCheckpoints()) {
        dir.write(checkpointName(t.number(), r.epochs()), o -> o.write(r.checkpoint()));
      }
      if (!r.earlyStopped().isEmpty()) {
        t = t.reported(t.rung(), r.epochs(), metric, acc, loss, train, r.seconds(), attempts, r.executor(),
            TrialRecord.Status.STOPPED, "early stopping after " + r.epochs() + " epochs: " + r.earlyStopped());
        printf("tune: trial %d stopped by its early stopping at epoch %d (%s %.4f)%n", t.number(), r.epochs(),
            tune.metric().key(), metric);
      } else {
        int rung = asha.rungAt(r.epochs());
        state = asha.reported(state, t.number(), rung, tune.metric().score(metric));
        boolean top = rung == asha.rungs().size() - 1;
        t = t.reported(rung, r.epochs(), metric, acc, loss, train, r.seconds(), attempts, r.executor(),
            top ? TrialRecord.Status.COMPLETED : TrialRecord.Status.PAUSED, top ? "trained the full budget" : "");
        printf("tune: trial %d reached rung %d (%d epochs): %s %.4f on executor %s%n", t.number(), rung, r.epochs(),
            tune.metric().key(), metric, r.executor());
      }
    }
    int before = from;
    trials.put(t.number(), t);
    save();
    if (before > 0 && before != t.epochs() && runner.carriesCheckpoints()) {
      dir.deleteQuietly(dir.resolve(checkpointName(t.number(), before)));
    }
    progress();
  }

  private void progress() {
    long runningNow = trials.values().stream().filter(x -> x.status() == TrialRecord.Status.RUNNING).count();
    long finishedNow = trials.values().stream().filter(TrialRecord::finished).count();
    long stopped = trials.values().stream().filter(x -> x.status() == TrialRecord.Status.PAUSED).count();
    Optional<TrialRecord> best = best(trials.values(), tune.metric());
    printf("tune: %d running, %d paused at a rung, %d finished of %d; best so far %s (%.0f s)%n", runningNow, stopped,
        finishedNow, tune.trials(), best.map(b -> String.format(Locale.ROOT, "trial %d, %s %.4f at %d epochs",
            b.number(), tune.metric().key(), b.metric(), b.epochs())).orElse("none"),
        (System.nanoTime() - startNanos) / 1e9);
  }

  /** At the end: trials left paused at a rung were stopped early by ASHA. */
  private void finish() {
    for (TrialRecord t : List.copyOf(trials.values())) {
      if (t.status() == TrialRecord.Status.PAUSED) {
        trials.put(t.number(), t.with(TrialRecord.Status.STOPPED, String.format(Locale.ROOT,
            "stopped early by ASHA at rung %d (%d epochs): not in the top 1/%d of its rung", t.rung(), t.epochs(),
            tune.eta())));
      }
    }
    save();
  }

  /**
   * Trials best first: failed ones last; then the furthest trained (highest rung); then by the metric
   * (trials without one after those with one); ties to the lower number.
   */
  public static Comparator<TrialRecord> bestFirst(TuneConfig.Metric metric) {
    return Comparator.<TrialRecord>comparingInt(t -> t.status() == TrialRecord.Status.FAILED ? 1 : 0)
        .thenComparing(Comparator.comparingInt(TrialRecord::rung).reversed())
        .thenComparingDouble(t -> Double.isNaN(t.metric()) ? Double.POSITIVE_INFINITY : -metric.score(t.metric()))
        .thenComparingInt(TrialRecord::number);
  }

  /** The best trial (the first of {@link #bestFirst}) among those that did not fail and have a metric. */
  public static Optional<TrialRecord> best(java.util.Collection<TrialRecord> trials, TuneConfig.Metric metric) {
    return trials.stream().filter(t -> t.status() != TrialRecord.Status.FAILED && !Double.isNaN(t.metric()))
        .min(bestFirst(metric));
  }

  public List<TrialsCsv.Epoch> curves() {
    return List.copyOf(curves);
  }

  private void save() {
    dir.write(TrialsCsv.TRIALS, TrialsCsv.write(List.copyOf(trials.values()), dimensions));
    dir.write(TrialsCsv.CURVES, TrialsCsv.writeCurves(curves));
  }

  /** A trial's values for the terminal: key = value, reals to 4 significant digits. */
  public static String describe(Map<String, Object> values) {
    StringBuilder b = new StringBuilder();
    values.forEach((k, v) -> {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(k).append(" = ").append(v instanceof Double d ? String.format(Locale.ROOT, "%.4g", d)
          : SearchSpace.render(v));
    });
    return b.toString();
  }

  private void printf(String format, Object... args) {
    synchronized (out) {
      out.printf(Locale.ROOT, format, args);
      out.flush();
    }
  }

  /** Refuses a --resume whose job or space differ from the search's. */
  public static void checkSame(RunDirectory dir, String jobText, String spaceText) {
    for (String[] f : new String[][] {{JOB, jobText, "--config"}, {SPACE, spaceText, "--space"}}) {
      if (dir.exists(f[0]) && !dir.read(f[0]).equals(f[1])) {
        throw new ConfigException(f[2], "differs from the one the search in " + dir.uri() + " started with ("
            + dir.resolve(f[0]) + "); a resumed search must use the same job and space, or start a new folder");
      }
    }
  }
}
