package io.sparktrain.cli;

import io.sparktrain.config.ConfigLoader;
import io.sparktrain.data.Rejected;
import io.sparktrain.data.ScoringInput;
import io.sparktrain.serve.ModelFile;
import io.sparktrain.serve.ModelSource;
import io.sparktrain.serve.Predictions;
import io.sparktrain.serve.Scorer;
import io.sparktrain.train.SparkSessions;
import java.io.PrintWriter;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** {@code sparktrain predict}: the model, the input through the quarantine, scoring, the Parquet output. */
final class PredictRun {
  /**
   * What a prediction run did; tests read it instead of parsing output.
   *
   * @param labelled the records with a label; 0 when the input has none
   * @param accuracy of the labelled records, NaN when there are none
   */
  record Result(String output, long scored, long rejected, long labelled, double accuracy, String modelSha256) {}

  private final ScoringOptions options;
  private final String output;
  private final String master;
  private final PrintWriter out;

  PredictRun(ScoringOptions options, String output, String master, PrintWriter out) {
    this.options = options;
    this.output = output;
    this.master = master;
    this.out = out;
  }

  Result execute() {
    ModelSource source = ModelSource.parse(options.model, options.registryRoot());
    SparkSession spark = SparkSessions.create("sparktrain predict", ConfigLoader.sparkSettings(options.sparkOverrides),
        master);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    long t0 = System.nanoTime();
    ModelFile.Loaded model = Models.load(source, sc);
    ScoringInput.Spec spec = options.spec(model);
    Predictions.Target target = Predictions.target(output, sc.hadoopConfiguration());
    try {
      printf("predict: model %s (job %s, %s, %d classes, SHA-256 %s)%n", source.describe(), model.manifest().job(),
          model.shape(), model.classNames().size(), model.sha256().substring(0, 12));
      ScoringInput.Input input = ScoringInput.read(spark, spec, model.scoring(), target.quarantine());
      for (Rejected r : input.rejected()) {
        printf("data: %d of %d records of %s rejected (%s), quarantined in %s/%s%n", r.total(), r.records(),
            r.source(), Models.reasons(r), output, Predictions.REJECTED + "/input");
      }
      Scorer scorer = new Scorer(sc, model);
      JavaRDD<Row> rows = Predictions.rows(scorer.score(input.read().rows()), model.classNames(),
          input.read().labelled());
      sc.setJobGroup("predict", "predict: scoring " + spec.uri(), false);
      try (ScoringProgress progress = new ScoringProgress(sc, scorer, "predict", "predict", out,
          System.console() != null)) {
        Predictions.write(spark, rows, Predictions.schema(input.read().keys(), input.read().labelled()), target);
      } finally {
        sc.clearJobGroup();
      }
      long scored = scorer.scoredSoFar();
      long[] right = scorer.labelledSoFar();
      long labelled = right[0];
      double accuracy = labelled == 0 ? Double.NaN : right[1] / (double) labelled;
      target.commit();
      long rejected = input.rejected().stream().mapToLong(Rejected::total).sum();
      double seconds = (System.nanoTime() - t0) / 1e9;
      printf("predict: %,d records scored in %.1f s (%.0f records/s)%s%s; predictions in %s%n", scored, seconds,
          scored / Math.max(seconds, 1e-9), rejected == 0 ? "" : String.format(Locale.ROOT, ", %,d rejected", rejected),
          labelled == 0 ? "" : String.format(Locale.ROOT, ", accuracy %.4f on the %,d labelled", accuracy, labelled),
          output);
      return new Result(output, scored, rejected, labelled, accuracy, model.sha256());
    } catch (RuntimeException e) {
      target.abandon();
      throw e;
    }
  }

  private void printf(String format, Object... args) {
    out.printf(Locale.ROOT, format, args);
    out.flush();
  }
}
