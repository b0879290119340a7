package io.sparktrain.cli;

import com.typesafe.config.Config;
import io.sparktrain.augment.AugmentPipeline;
import io.sparktrain.config.ConfigException;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.config.SearchSpace;
import io.sparktrain.config.TuneConfig;
import io.sparktrain.data.DataLoader;
import io.sparktrain.data.Example;
import io.sparktrain.data.Splits;
import io.sparktrain.publish.RunDirectory;
import io.sparktrain.tune.ExecutorTrials;
import io.sparktrain.tune.Search;
import io.sparktrain.tune.TrialData;
import io.sparktrain.tune.TrialRecord;
import io.sparktrain.tune.TrialTask;
import io.sparktrain.tune.TrialTrainer;
import io.sparktrain.tune.TrialsCsv;
import io.sparktrain.tune.TuneReport;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code sparktrain tune}: loads the job's data once, searches the space with ASHA on the executors, and
 * writes trials.csv, curves.csv, best.conf and tune.html to the search folder.
 */
public final class TuneRun {
  public static final String BEST = "best.conf";
  public static final String SUMMARY = "search.json";
  public static final String LR_FIND = "lr-find.json";

  private final Config jobTree;
  private final JobConfig job;
  private final SearchSpace space;
  private final String spaceText;
  private final String output;
  private final String master;
  private final boolean resume;
  private final PrintWriter out;
  /** The job the trials start from: the job, with the LR range test's rate when it asks for one. */
  private Config base;

  public TuneRun(Config jobTree, JobConfig job, SearchSpace space, String spaceText, String output, String master,
      boolean resume, PrintWriter out) {
    this.jobTree = jobTree;
    this.job = job;
    this.space = space;
    this.spaceText = spaceText;
    this.output = output;
    this.master = master;
    this.resume = resume;
    this.out = out;
  }

  /** What the search found. */
  public record Outcome(List<TrialRecord> trials, Optional<TrialRecord> best, Double bestTestAccuracy, String dir) {}

  public Outcome execute() {
    if (job.data().isSequence()) {
      // Trials train with plain DL4J on flat minibatches; sequences (3-d, masked) are not built there yet.
      throw new ConfigException("data.format", "is " + job.data().format() + ": tune searches models of rows and "
          + "images; train a sequence model with sparktrain train");
    }
    RunContext ctx = RunContext.start(job, output == null || output.isBlank() ? null : output, master, out);
    String uri = output == null || output.isBlank() ? ctx.outputUri().replace("runs/", "runs/tune-") : output;
    String jobText = ConfigLoader.renderJob(jobTree);
    RunDirectory dir = folder(uri, ctx, jobText);
    TuneConfig tune = space.tune();
    Search search;
    Splits data = null;
    int parallelism;
    if (tune.placement() == TuneConfig.Placement.CLUSTER) {
      parallelism = 1;
      ctx.printf("tune: one trial at a time with parameter averaging on %d workers; each trial's run directory "
          + "is under %s%n", ctx.sc().defaultParallelism(), dir.resolve("trials"));
      base = learningRate(ctx, dir, () -> ctx.load(dir.resolve(RunContext.REJECTED), DataLoader.Fixed.NONE));
      search = new Search(space, base, job.seed(), dir, new ClusterTrials(dir, master), out);
    } else {
      data = ctx.load(dir.resolve(RunContext.REJECTED), DataLoader.Fixed.NONE);
      Splits loaded = data;
      base = learningRate(ctx, dir, () -> loaded);
      search = new Search(space, base, job.seed(), dir, executorTrials(ctx, data, tune), out);
      parallelism = tune.parallelism() > 0 ? tune.parallelism() : ctx.sc().defaultParallelism();
    }
    long t0 = System.nanoTime();
    List<TrialTask> pending = resume && dir.exists(TrialsCsv.TRIALS) ? search.resume() : List.of();
    List<TrialRecord> trials = search.run(pending, parallelism);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Optional<TrialRecord> best = Search.best(trials, tune.metric());
    Double testAccuracy = null;
    if (best.isPresent()) {
      TrialRecord b = best.get();
      if (data == null) {
        testAccuracy = ClusterTrials.testAccuracy(dir, b.number());
      } else {
        List<Example> test = data.test().collect();
        if (!test.isEmpty()) {
          testAccuracy = TrialTrainer.evaluate(dir.readBytes(Search.checkpointName(b.number(), b.epochs())), test,
              job.data().numClasses())[1];
        }
      }
      dir.write(BEST, bestConf(b, testAccuracy));
    }
    report(ctx, dir, search, trials, best, testAccuracy, seconds);
    if (data != null) {
      data.unpersist();
    }
    return new Outcome(trials, best, testAccuracy, dir.uri());
  }

  /**
   * The job the trials start from. With {@code train.learningRate = auto}: when the space varies the rate,
   * each trial trains at its own (auto is dropped); otherwise the LR range test runs once for the search
   * (lr-find.csv, lr-find.png, lr-find.json in the search folder, which --resume reads back) and every
   * trial starts from its suggestion.
   */
  private Config learningRate(RunContext ctx, RunDirectory dir, java.util.function.Supplier<Splits> data) {
    if (!job.train().autoLearningRate()) {
      return jobTree;
    }
    boolean varied = space.dimensions().stream().anyMatch(d -> d.key().equals("model.updater.learningRate")
        || d.key().equals("train.learningRate"));
    if (varied) {
      ctx.printf("tune: train.learningRate = auto, but the space varies the rate: each trial trains at its own%n");
      return jobTree.withValue("train.learningRate", com.typesafe.config.ConfigValueFactory.fromAnyRef(""));
    }
    double rate;
    if (dir.exists(LR_FIND)) {
      try {
        rate = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.read(LR_FIND)).get("suggestion")
            .asDouble();
      } catch (java.io.IOException | NullPointerException e) {
        throw new io.sparktrain.data.DataException(dir.resolve(LR_FIND) + ": not an lr-find.json with a suggestion ("
            + e.getMessage() + "); delete it to run the range test again");
      }
      ctx.printf("tune: learning rate %.3g from %s%n", rate, dir.resolve(LR_FIND));
    } else {
      Splits splits = data.get();
      io.sparktrain.lrfind.LrCurve curve = new io.sparktrain.train.Trainer(ctx.sc(), job, null).findLearningRate(splits);
      io.sparktrain.report.LrFindFiles.write(dir, curve);
      dir.write(LR_FIND, io.sparktrain.report.Json.pretty(io.sparktrain.report.LrFindFiles.summary(curve)));
      rate = curve.suggestion();
      ctx.printf("tune: train.learningRate = auto: %s; every trial starts from it%n", curve.describe());
    }
    return jobTree.withValue("train.learningRate",
        com.typesafe.config.ConfigValueFactory.fromAnyRef(Double.toString(rate)));
  }

  private ExecutorTrials executorTrials(RunContext ctx, Splits data, TuneConfig tune) {
    int width = data.shape().size();
    double[] std = AugmentPipeline.needsFeatureStd(job.augment()) ? AugmentPipeline.featureStd(data.train(), width)
        : null;
    List<Example> train = data.train().collect();
    List<Example> validation = data.validation().collect();
    if (validation.isEmpty()) {
      throw new ConfigException("data.validationFraction", "gives no validation examples; a search compares trials "
          + "on the validation split, so it needs some");
    }
    TrialData trialData = new TrialData(train, validation, data.shape(), job.data().numClasses(), data.classNames(),
        std);
    ctx.printf("tune: %d training and %d validation examples, broadcast to the executors; %d dimensions from %s%n",
        train.size(), validation.size(), space.dimensions().size(), space.origin());
    return new ExecutorTrials(ctx.sc(), trialData, tune.retries());
  }

  private void report(RunContext ctx, RunDirectory dir, Search search, List<TrialRecord> trials,
      Optional<TrialRecord> best, Double testAccuracy, double seconds) {
    TuneConfig tune = space.tune();
    dir.write(TuneReport.FILE, TuneReport.render(new TuneReport.Facts(job.name(), search.sampler().name(),
        search.asha().rungs(), tune.eta(), tune.metric(), tune.trials(), tune.maxEpochs(), testAccuracy,
        dir.resolve(BEST)), space.dimensions(), trials, search.curves()));
    long failed = trials.stream().filter(t -> t.status() == TrialRecord.Status.FAILED).count();
    int epochs = trials.stream().mapToInt(TrialRecord::epochs).sum();
    dir.write(SUMMARY, io.sparktrain.report.Json.pretty(summary(search, trials, best, testAccuracy, epochs, seconds)));
    ctx.printf("tune: %d trials (%d failed), %d epochs trained (the full budget of each would be %d), %.0f s%n",
        trials.size(), failed, epochs, trials.size() * tune.maxEpochs(), seconds);
    if (best.isPresent()) {
      TrialRecord b = best.get();
      ctx.printf("best: trial %d, %s %.4f after %d epochs%s: %s%n", b.number(), tune.metric().key(), b.metric(),
          b.epochs(), testAccuracy == null ? "" : String.format(Locale.ROOT, ", test accuracy %.4f", testAccuracy),
          Search.describe(b.values()));
      String local = dir.resolve(BEST).startsWith("file:") ? dir.resolve(BEST).substring("file:".length())
          : dir.resolve(BEST);
      ctx.printf("job: %s (train it: bin/sparktrain train --config %s)%n", dir.resolve(BEST), local);
    } else {
      ctx.printf("tune: no trial finished; their reasons are in %s%n", dir.resolve(TrialsCsv.TRIALS));
    }
    ctx.printf("report: %s%n", dir.resolve(TuneReport.FILE));
  }

  /** search.json: what a scheduler (or a benchmark) reads without parsing trials.csv. */
  private java.util.Map<String, Object> summary(Search search, List<TrialRecord> trials, Optional<TrialRecord> best,
      Double testAccuracy, int epochs, double seconds) {
    TuneConfig tune = space.tune();
    java.util.Map<String, Object> s = new java.util.LinkedHashMap<>();
    s.put("name", job.name());
    s.put("sampler", search.sampler().name());
    s.put("scheduler", tune.scheduler().name().toLowerCase(Locale.ROOT));
    s.put("rungs", search.asha().rungs());
    s.put("eta", tune.eta());
    s.put("metric", tune.metric().key());
    s.put("trials", trials.size());
    java.util.Map<String, Long> byStatus = new java.util.TreeMap<>();
    trials.forEach(t -> byStatus.merge(t.status().key(), 1L, Long::sum));
    s.put("status", byStatus);
    s.put("epochsTrained", epochs);
    s.put("fullBudgetEpochs", trials.size() * tune.maxEpochs());
    s.put("seconds", seconds);
    best.ifPresent(b -> {
      java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("trial", b.number());
      m.put("epochs", b.epochs());
      m.put(tune.metric().key(), b.metric());
      m.put("testAccuracy", testAccuracy);
      java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
      b.values().forEach((k, v) -> values.put(k, SearchSpace.render(v)));
      m.put("values", values);
      s.put("best", m);
    });
    return s;
  }

  private RunDirectory folder(String uri, RunContext ctx, String jobText) {
    RunDirectory dir = RunDirectory.of(uri, ctx.sc().hadoopConfiguration());
    if (resume && dir.exists(TrialsCsv.TRIALS)) {
      Search.checkSame(dir, jobText, spaceText);
      return dir;
    }
    if (resume) {
      // As train --resume: the same command continues a search or starts one, so a scheduler's retry is safe.
      ctx.printf("tune: %s holds no search yet; starting one%n", uri);
    }
    if (!resume && dir.exists(TrialsCsv.TRIALS)) {
      throw new ConfigException("--output", uri + " already holds a search (" + TrialsCsv.TRIALS + "); continue it "
          + "with --resume, or choose a new folder so nothing is overwritten");
    }
    RunDirectory created = RunDirectory.create(uri, ctx.sc().hadoopConfiguration());
    created.write(Search.JOB, jobText);
    created.write(Search.SPACE, spaceText);
    return created;
  }

  private String bestConf(TrialRecord b, Double testAccuracy) {
    // Trials on one executor each: train.workers = 1 trains best.conf the same way (more workers average
    // their parameters, which takes more epochs or a higher rate to reach the same accuracy). Cluster
    // trials trained as train does: the job's workers.
    boolean single = space.tune().placement() == TuneConfig.Placement.EXECUTOR;
    Config best = space.trialJob(base, b.values(), b.seed(), space.tune().maxEpochs());
    if (single) {
      best = best.withValue("train.workers", com.typesafe.config.ConfigValueFactory.fromAnyRef(1));
    }
    StringBuilder h = new StringBuilder();
    h.append("# The best trial of the search in this folder: trial ").append(b.number()).append(", ")
        .append(space.tune().metric().key()).append(String.format(Locale.ROOT, " %.4f after %d epochs", b.metric(),
            b.epochs()));
    if (testAccuracy != null) {
      h.append(String.format(Locale.ROOT, ", test accuracy %.4f", testAccuracy));
    }
    h.append(".\n# The job it was given, with the trial's values inlined:\n");
    b.values().forEach((k, v) -> h.append("#   ").append(k).append(" = ").append(SearchSpace.render(v)).append('\n'));
    if (single) {
      h.append("# Its trials trained on one executor each, so train.workers = 1 trains it the same way; with more\n"
          + "# workers, parameter averaging needs more epochs or a higher rate for the same accuracy.\n");
    }
    h.append("# Train it with: bin/sparktrain train --config best.conf\n");
    return h + ConfigLoader.renderJob(best) + "\n";
  }


}
