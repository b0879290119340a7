package io.sparktrain.cli;

import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.data.DataException;
import io.sparktrain.data.DataLoader;
import io.sparktrain.data.Example;
import io.sparktrain.data.FeatureScaler;
import io.sparktrain.data.Keyed;
import io.sparktrain.data.Parsed;
import io.sparktrain.data.Rejected;
import io.sparktrain.data.ScoringInput;
import io.sparktrain.data.Shape;
import io.sparktrain.data.Splits;
import io.sparktrain.publish.Provenance;
import io.sparktrain.publish.RunDirectory;
import io.sparktrain.report.EvaluationPage;
import io.sparktrain.report.Json;
import io.sparktrain.report.ReportFiles;
import io.sparktrain.report.Summary;
import io.sparktrain.report.schema.EvaluationFile;
import io.sparktrain.report.schema.SummaryFile;
import io.sparktrain.serve.ModelFile;
import io.sparktrain.serve.ModelSource;
import io.sparktrain.serve.Scorer;
import io.sparktrain.train.SparkSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * {@code sparktrain evaluate}: the model, labelled data (a job's test set, split exactly as training split
 * it, or --input), scoring on the executors, then evaluation.json, evaluation.html and misclassified.png.
 */
final class EvaluateRun {
  /** What an evaluation found; tests read it instead of parsing output. */
  record Result(String output, EvaluationFile evaluation) {}

  static final String LOSS = "mean cross-entropy of the predicted probabilities (a training run's test loss also "
      + "holds the L2 term of the weights)";

  private final ScoringOptions options;
  private final JobConfig job;
  private final String output;
  private final String master;
  private final PrintWriter out;

  /** @param job the job whose test set is evaluated, or null for --input */
  EvaluateRun(ScoringOptions options, JobConfig job, String output, String master, PrintWriter out) {
    this.options = options;
    this.job = job;
    this.output = output;
    this.master = master;
    this.out = out;
  }

  /** The examples to evaluate on, raw (the scorer scales them as the model was trained), and their source. */
  private record Labelled(JavaRDD<Keyed> rows, String describe, List<Rejected> rejected, double maxRejectedFraction) {}

  Result execute() {
    String startedAt = Instant.now().toString();
    ModelSource source = ModelSource.parse(options.model, options.registryRoot());
    SparkSession spark = job != null ? SparkSessions.create(job, master)
        : SparkSessions.create("sparktrain evaluate", ConfigLoader.sparkSettings(options.sparkOverrides), master);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ModelFile.Loaded model = Models.load(source, sc);
    RunDirectory dir = folder(sc);
    printf("evaluate: model %s (job %s, %s, %d classes, SHA-256 %s)%n", source.describe(), model.manifest().job(),
        model.shape(), model.classNames().size(), model.sha256().substring(0, 12));
    Labelled data = job != null ? jobTestSet(spark, model, dir) : input(spark, model, dir);
    for (Rejected r : data.rejected()) {
      printf("data: %d of %d records of %s rejected (%s), quarantined in %s%n", r.total(), r.records(), r.source(),
          Models.reasons(r), r.quarantine());
    }
    Scorer scorer = new Scorer(sc, model);
    JavaRDD<Scorer.Scored> scored = scorer.score(data.rows()).persist(StorageLevel.MEMORY_AND_DISK());
    Evaluation eval;
    double loss;
    long unlabelled;
    sc.setJobGroup("evaluate", "evaluate: scoring " + data.describe(), false);
    try (ScoringProgress progress = new ScoringProgress(sc, scorer, "evaluate", "evaluate", out,
        System.console() != null)) {
      eval = scorer.evaluate(scored, model.classNames());
      if (eval.getNumRowCounter() == 0) {
        throw noLabels(data.describe(), model);
      }
      unlabelled = scored.count() - eval.getNumRowCounter();
      loss = Scorer.loss(scored);
    } finally {
      sc.clearJobGroup();
      scored.unpersist(false);
    }
    SummaryFile.Test test = Summary.test(eval, loss, model.classNames(), null);
    EvaluationFile file = new EvaluationFile(source.describe(), model.uri(), model.sha256(), model.manifest().job(),
        data.describe(), startedAt, Instant.now().toString(), test, unlabelled,
        Summary.rejected(data.rejected(), data.maxRejectedFraction()), LOSS, Provenance.versions(spark.version()));
    byte[] png = model.shape().image() ? misclassified(model, data.rows()) : null;
    if (png != null) {
      dir.write(ReportFiles.MISCLASSIFIED, stream -> stream.write(png));
    }
    dir.write(EvaluationFile.FILE, Json.pretty(file));
    dir.write(EvaluationPage.FILE, EvaluationPage.render(file, png));
    printf("evaluate: accuracy %.4f, macro F1 %.4f on %,d labelled records%s; %s%n", eval.accuracy(), eval.f1(),
        eval.getNumRowCounter(), unlabelled == 0 ? "" : String.format(Locale.ROOT, " (%,d unlabelled left out)",
            unlabelled), dir.resolve(EvaluationPage.FILE));
    return new Result(dir.uri(), file);
  }

  /** The job's test set, split as its training run split it; the model's classes and shape must be the job's. */
  private Labelled jobTestSet(SparkSession spark, ModelFile.Loaded model, RunDirectory dir) {
    Splits data = DataLoader.load(spark, job.data(), job.data().seed(), dir.resolve("rejected"),
        new DataLoader.Fixed(0, new FeatureScaler("none", null, null)));
    Shape shape = data.shape();
    if (!shape.equals(model.shape())) {
      throw new DataException(job.data().train() + ": the job's examples are " + shape + "; the model takes "
          + model.shape());
    }
    if (!data.classNames().equals(model.classNames())) {
      throw new DataException(job.data().train() + ": the job's classes " + data.classNames() + " are not the "
          + "model's " + model.classNames());
    }
    JavaRDD<Keyed> rows = data.test().map(e -> new Keyed(new Object[0], Parsed.ok(e)));
    String what = job.data().hasTestSet() ? job.data().test()
        : "the share of " + job.data().train() + " that " + job.name() + " holds out as its test set";
    return new Labelled(rows, what, data.rejected(), job.data().maxRejectedFraction());
  }

  private Labelled input(SparkSession spark, ModelFile.Loaded model, RunDirectory dir) {
    ScoringInput.Input in = ScoringInput.read(spark, options.spec(model), model.scoring(), dir.resolve("rejected"));
    if (!in.read().labelled()) {
      throw noLabels(options.input, model);
    }
    return new Labelled(in.read().rows(), options.input, in.rejected(), model.scoring().maxRejectedFraction());
  }

  private static DataException noLabels(String input, ModelFile.Loaded model) {
    var s = model.manifest().source();
    String column = s.csv() != null ? s.csv().label() : s.parquet() != null ? s.parquet().label() : "label";
    return new DataException(input + ": no record has a label; evaluate needs labelled data (CSV and Parquet: the "
        + "label column '" + column + "'; images: class folders named as the model's classes; IDX: --labels)");
  }

  /** The misclassified among the first labelled records, predicted on the driver. */
  private static byte[] misclassified(ModelFile.Loaded model, JavaRDD<Keyed> rows) {
    FeatureScaler scaler = model.scaler();
    List<Example> sample = rows.filter(k -> k.example().label() != Keyed.UNLABELLED)
        .map(k -> scaler.apply(k.example())).take(Misclassified.SAMPLE);
    return Misclassified.grid(model.network(), sample, model.shape(), model.classNames());
  }

  private RunDirectory folder(JavaSparkContext sc) {
    String uri = output != null ? output : "evaluations/"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
    RunDirectory dir = RunDirectory.of(uri, sc.hadoopConfiguration());
    if (dir.exists(EvaluationFile.FILE)) {
      throw new io.sparktrain.config.ConfigException("--output", uri + " already holds an evaluation ("
          + EvaluationFile.FILE + "); choose a new folder so nothing is overwritten");
    }
    try {
      dir.fileSystem().mkdirs(dir.path());
    } catch (IOException e) {
      throw io.sparktrain.data.StorageException.writing(uri, e);
    }
    return dir;
  }

  private void printf(String format, Object... args) {
    out.printf(Locale.ROOT, format, args);
    out.flush();
  }
}
