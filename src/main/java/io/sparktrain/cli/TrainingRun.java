package io.sparktrain.cli;

import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.data.DataLoader;
import io.sparktrain.data.Splits;
import io.sparktrain.publish.Provenance;
import io.sparktrain.publish.RunDirectory;
import io.sparktrain.report.HtmlReport;
import io.sparktrain.report.Json;
import io.sparktrain.report.MetricsLog;
import io.sparktrain.report.ReportFiles;
import io.sparktrain.report.Summary;
import io.sparktrain.health.Diagnosis;
import io.sparktrain.health.LayerHealth;
import io.sparktrain.report.LrFindFiles;
import io.sparktrain.train.DivergedException;
import io.sparktrain.train.EpochMetrics;
import io.sparktrain.train.Recovery;
import io.sparktrain.train.RoundMetrics;
import io.sparktrain.train.TrainingEvents;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import io.sparktrain.train.SparkSessions;
import io.sparktrain.train.TrainedModel;
import io.sparktrain.train.Trainer;
import java.io.File;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.util.ModelSerializer;

/** One training run end to end: Spark session, data, epoch loop, and the run directory's files. */
public final class TrainingRun {
  /** What a finished run reports back; tests read it instead of parsing output. */
  public record Result(String runDirectory, double testAccuracy, int testExamples, TrainedModel model) {}

  private JobConfig job;
  private final String output;
  private final String master;
  private final PrintWriter out;
  private String uiUrl;

  public TrainingRun(JobConfig job, String output, String master, PrintWriter out) {
    this.job = job;
    this.output = output;
    this.master = master;
    this.out = out;
  }

  /** Sends the workers' statistics to a DL4J UI server while training. */
  public TrainingRun withUiUrl(String url) {
    this.uiUrl = url;
    return this;
  }

  public Result execute() {
    String startedAt = Instant.now().toString();
    long t0 = System.nanoTime();
    SparkSession spark = SparkSessions.create(job, master);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    RunDirectory run = RunDirectory.create(outputUri(), sc.hadoopConfiguration());
    run.write("config.resolved.conf", ConfigLoader.renderRedacted(job.resolved()));
    out.printf(Locale.ROOT, "sparktrain %s: master %s, %d workers, run directory %s%n",
        job.name(), sc.master(), sc.defaultParallelism(), run.uri());
    out.flush();

    long t1 = System.nanoTime();
    Splits data = DataLoader.load(spark, job.data(), job.seed(), run.resolve(REJECTED));
    job = job.withData(job.data().withClassNames(data.classNames()));
    double loadSeconds = (System.nanoTime() - t1) / 1e9;
    out.printf(Locale.ROOT, "data: %d train, %d validation, %d test examples of %s (%.1f s)%n",
        data.trainCount(), data.validationCount(), data.testCount(), data.shape(), loadSeconds);
    printRejected(data);
    out.flush();

    io.sparktrain.augment.AugmentPipeline pipeline = null;
    if (!job.augment().isEmpty()) {
      pipeline = Trainer.augmentPipeline(job, data);
      out.println("augmentation on the executors every epoch: " + String.join("; ", pipeline.describe()));
      if (data.shape().image()) {
        byte[] png = Misclassified.augmentationGrid(pipeline, data, job.data());
        run.write(ReportFiles.AUGMENTATION, stream -> stream.write(png));
      }
    }
    String exportDir = exportDirectory(spark, run);
    MetricsLog metrics = new MetricsLog(run);
    ConsoleProgress console = new ConsoleProgress(out, System.console() != null, job.train().epochs());
    TrainingEvents events = new Events(metrics, console, run);
    TrainedModel model;
    try {
      model = new Trainer(sc, job, exportDir, uiUrl).withAugmentation(pipeline).train(data, events);
    } catch (DivergedException e) {
      run.write(Summary.FILE, Json.pretty(Summary.diverged(job.name(), e.getMessage(), startedAt,
          Instant.now().toString(), e.health())));
      throw e;
    } finally {
      if (metrics.dirty()) {
        metrics.flush();
      }
      if (exportDir != null) {
        run.deleteQuietly(exportDir);
      }
    }
    run.write("model.zip", stream -> ModelSerializer.writeModel(model.network(), stream, true));
    run.deleteQuietly(run.resolve(CHECKPOINT));
    if (model.health().lrFind() != null) {
      LrFindFiles.write(run, model.health().lrFind());
    }

    Map<String, Object> timings = new LinkedHashMap<>();
    timings.put("loadSeconds", loadSeconds);
    timings.put("trainSeconds", model.trainSeconds());
    timings.put("testSeconds", model.testSeconds());
    timings.put("totalSeconds", (System.nanoTime() - t0) / 1e9);
    Map<String, Object> sparkInfo = new LinkedHashMap<>();
    sparkInfo.put("master", sc.master());
    sparkInfo.put("defaultParallelism", sc.defaultParallelism());
    // Block managers, less the driver's own outside local mode.
    int blockManagers = sc.sc().getExecutorMemoryStatus().size();
    sparkInfo.put("executors", sc.isLocal() ? 1 : Math.max(0, blockManagers - 1));
    sparkInfo.put("applicationId", sc.sc().applicationId());
    sparkInfo.put("taskCpus", sc.getConf().get("spark.task.cpus", "1"));
    Summary.Context context = new Summary.Context(job, data, model, timings, sparkInfo,
        Provenance.versions(spark.version()), Provenance.gitCommit(), startedAt, Instant.now().toString());
    run.write(Summary.FILE, Json.pretty(Summary.build(context)));
    if (data.shape().image()) {
      byte[] png = Misclassified.grid(model.network(), data, job.data());
      if (png != null) {
        run.write(ReportFiles.MISCLASSIFIED, stream -> stream.write(png));
      }
    }
    run.write(HtmlReport.FILE, HtmlReport.render(ReportFiles.read(run.uri(), sc.hadoopConfiguration())));
    out.printf(Locale.ROOT, "report: %s%n", run.resolve(HtmlReport.FILE));
    data.unpersist();
    return new Result(run.uri(), model.test().accuracy(), model.test().getNumRowCounter(), model);
  }

  /** Folder of the run directory that holds each source's rejected records. */
  static final String REJECTED = "rejected";

  private void printRejected(Splits data) {
    for (io.sparktrain.data.Rejected r : data.rejected()) {
      out.printf(Locale.ROOT, "data: %d of %d records of %s rejected (%s), quarantined in %s%n", r.total(), r.records(),
          r.source(), r.byReason().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
              .collect(java.util.stream.Collectors.joining(", ")), r.quarantine());
    }
    out.flush();
  }

  /** The network after the last completed epoch, replaced every epoch; removed once model.zip is written. */
  static final String CHECKPOINT = "checkpoint.zip";

  /** Sends the trainer's events to metrics.jsonl and the console, and keeps the checkpoint. */
  private static final class Events implements TrainingEvents {
    private final MetricsLog metrics;
    private final ConsoleProgress console;
    private final RunDirectory run;

    Events(MetricsLog metrics, ConsoleProgress console, RunDirectory run) {
      this.metrics = metrics;
      this.console = console;
      this.run = run;
    }

    @Override
    public void epochDone(EpochMetrics m, int total) {
      metrics.epochDone(m, total);
      console.epochDone(m, total);
    }

    @Override
    public void roundDone(RoundMetrics round) {
      metrics.roundDone(round);
      console.roundDone(round);
    }

    @Override
    public void roundHealth(int epoch, int round, List<LayerHealth> layers) {
      metrics.roundHealth(epoch, round, layers);
    }

    @Override
    public void diagnosis(Diagnosis d) {
      metrics.diagnosis(d);
      console.diagnosis(d);
    }

    @Override
    public void recovery(Recovery r) {
      metrics.recovery(r);
      console.recovery(r);
    }

    @Override
    public void checkpoint(int epoch, MultiLayerNetwork network) {
      run.write(CHECKPOINT, stream -> ModelSerializer.writeModel(network, stream, true));
    }
  }

  /**
   * {@code sparktrain augment}: the training split and {@code copies} augmented copies of it (per-example
   * operations; copy k is augmented as epoch k would be) as one Parquet folder, written under a
   * temporary name and renamed into place. Columns: copy (0 = the original), index, label, features.
   *
   * @return the number of rows written
   */
  public long materialiseAugmented(int copies, String target) {
    if (job.augment().stream().allMatch(op -> io.sparktrain.config.AugmentSpec.BATCH.contains(op.type()))) {
      throw new io.sparktrain.config.ConfigException("augment.ops", "has no per-example operation to materialise "
          + "(mixup and cutmix mix whole minibatches during training); add e.g. { type = flip }");
    }
    SparkSession spark = SparkSessions.create(job, master);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(target);
    org.apache.hadoop.fs.Path temp = new org.apache.hadoop.fs.Path(out.getParent(), "." + out.getName() + ".tmp-"
        + UUID.randomUUID());
    org.apache.hadoop.fs.FileSystem fs;
    try {
      fs = out.getFileSystem(sc.hadoopConfiguration());
      if (fs.exists(out)) {
        throw new io.sparktrain.data.DataException(target + ": already exists; augment writes a new folder");
      }
    } catch (java.io.IOException e) {
      throw new io.sparktrain.data.DataException(target + ": cannot check the output: " + e.getMessage(), e);
    }
    Splits data = DataLoader.load(spark, job.data(), job.seed(), new org.apache.hadoop.fs.Path(temp, "_rejected")
        .toString());
    printRejected(data);
    io.sparktrain.augment.AugmentPipeline pipeline = Trainer.augmentPipeline(job, data);
    org.apache.spark.api.java.JavaPairRDD<io.sparktrain.data.Example, Long> indexed =
        data.train().zipWithIndex().persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    org.apache.spark.api.java.JavaRDD<org.apache.spark.sql.Row> rows = null;
    for (int copy = 0; copy <= copies; copy++) {
      final int k = copy;
      org.apache.spark.api.java.JavaRDD<org.apache.spark.sql.Row> one = indexed.map(t -> {
        io.sparktrain.data.Example e = k == 0 ? t._1() : pipeline.apply(t._1(), k, t._2());
        return org.apache.spark.sql.RowFactory.create(k, t._2(), e.label(), e.features());
      });
      rows = rows == null ? one : rows.union(one);
    }
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add("copy", org.apache.spark.sql.types.DataTypes.IntegerType, false)
        .add("index", org.apache.spark.sql.types.DataTypes.LongType, false)
        .add("label", org.apache.spark.sql.types.DataTypes.IntegerType, false)
        .add("features", org.apache.spark.sql.types.DataTypes.createArrayType(
            org.apache.spark.sql.types.DataTypes.FloatType, false), false);
    spark.createDataFrame(rows, schema).write().parquet(temp.toString());
    long written = (copies + 1) * data.trainCount();
    try {
      if (!fs.rename(temp, out)) {
        throw new io.sparktrain.data.DataException(target + ": cannot move the output into place from " + temp);
      }
    } catch (java.io.IOException e) {
      throw new io.sparktrain.data.DataException(target + ": cannot move the output into place: " + e.getMessage(), e);
    }
    indexed.unpersist(false);
    data.unpersist();
    this.out.printf(Locale.ROOT, "augment: %d training examples x (1 original + %d augmented copies) = %d rows of %s "
        + "(%s), features as data.normalization = %s leaves them; pipeline: %s%n", data.trainCount(), copies, written,
        data.shape(), target, job.data().normalization(), String.join("; ", pipeline.describe()));
    this.out.flush();
    return written;
  }

  /** {@code sparktrain lr-find}: the range test alone; writes lr-find.csv, lr-find.png and lr-find.json. */
  public io.sparktrain.lrfind.LrCurve findLearningRate() {
    SparkSession spark = SparkSessions.create(job, master);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    RunDirectory run = RunDirectory.create(outputUri(), sc.hadoopConfiguration());
    run.write("config.resolved.conf", ConfigLoader.renderRedacted(job.resolved()));
    Splits data = DataLoader.load(spark, job.data(), job.seed(), run.resolve(REJECTED));
    printRejected(data);
    out.printf(Locale.ROOT, "lr-find: %d training examples, %d iterations from %.1e to %.1e on %d workers%n",
        data.trainCount(), job.lrFind().iterations(), job.lrFind().minLearningRate(), job.lrFind().maxLearningRate(),
        sc.defaultParallelism());
    out.flush();
    io.sparktrain.lrfind.LrCurve curve = new Trainer(sc, job, null, null).findLearningRate(data);
    LrFindFiles.write(run, curve);
    Map<String, Object> summary = LrFindFiles.summary(curve);
    summary.put("updater", job.model().updater().type());
    summary.put("config", job.lrFind());
    run.write("lr-find.json", Json.pretty(summary));
    out.println(curve.describe());
    out.printf(Locale.ROOT, "curve: %s, chart: %s%n", run.resolve(LrFindFiles.CSV), run.resolve(LrFindFiles.PNG));
    out.flush();
    data.unpersist();
    return curve;
  }

  private String outputUri() {
    if (output != null && !output.isBlank()) {
      return output;
    }
    if (!job.output().isBlank()) {
      return job.output();
    }
    return "runs/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
  }

  /** Local mode: a temporary folder. A cluster: {@code train.exportDirectory}, else under the run directory. */
  private String exportDirectory(SparkSession spark, RunDirectory run) {
    if (job.train().approach().equals("direct")) {
      return null;
    }
    String id = "sparktrain-export-" + UUID.randomUUID();
    if (!job.train().exportDirectory().isBlank()) {
      return job.train().exportDirectory() + "/" + id;
    }
    if (SparkSessions.isLocal(spark)) {
      return new File(System.getProperty("java.io.tmpdir"), id).toURI().toString();
    }
    String dir = run.resolve("_export");
    if (dir.startsWith("file:")) {
      // dl4j-spark refuses to export to a file: folder on a cluster: executors would not see each other's files.
      out.println("note: the run directory is on file:, which executors on a cluster do not share; training with "
          + "train.approach = direct (set train.exportDirectory to an hdfs: or s3a: folder to export instead)");
      return null;
    }
    return dir;
  }
}
