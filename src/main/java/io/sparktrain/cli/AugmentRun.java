package io.sparktrain.cli;

import io.sparktrain.augment.AugmentPipeline;
import io.sparktrain.config.AugmentSpec;
import io.sparktrain.config.ConfigException;
import io.sparktrain.config.JobConfig;
import io.sparktrain.data.DataException;
import io.sparktrain.data.DataLoader;
import io.sparktrain.data.Example;
import io.sparktrain.data.Splits;
import io.sparktrain.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code sparktrain augment}: the training split and {@code copies} augmented copies of it (per-example
 * operations; copy k is augmented as epoch k would be) as one Parquet folder, written under a
 * temporary name and renamed into place. Columns: copy (0 = the original), index, label, features.
 */
public final class AugmentRun {
  private static final StructType SCHEMA = new StructType()
      .add("copy", DataTypes.IntegerType, false)
      .add("index", DataTypes.LongType, false)
      .add("label", DataTypes.IntegerType, false)
      .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  /**
   * Sequences: the features as steps x features and the label, or a label per step, so that the output reads
   * back with data.format = sequence-parquet (data.sequence.label = label).
   */
  private static StructType sequenceSchema(boolean perStep) {
    return new StructType()
        .add("copy", DataTypes.IntegerType, false)
        .add("index", DataTypes.LongType, false)
        .add("label", perStep ? DataTypes.createArrayType(DataTypes.IntegerType, false) : DataTypes.IntegerType, false)
        .add("features", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false),
            false);
  }

  /** One output row: an example, or a sequence as its steps. */
  private static Row row(int copy, long index, Example e, int stepWidth) {
    if (stepWidth == 0) {
      return RowFactory.create(copy, index, e.label(), e.features());
    }
    float[][] steps = new float[e.features().length / stepWidth][];
    for (int t = 0; t < steps.length; t++) {
      steps[t] = java.util.Arrays.copyOfRange(e.features(), t * stepWidth, (t + 1) * stepWidth);
    }
    Object label = e.labelledPerStep() ? java.util.Arrays.stream(e.stepLabels()).boxed().toArray() : e.label();
    return RowFactory.create(copy, index, label, steps);
  }

  private final JobConfig job;
  private final String master;
  private final PrintWriter out;

  public AugmentRun(JobConfig job, String master, PrintWriter out) {
    this.job = job;
    this.master = master;
    this.out = out;
  }

  /** @return the number of rows written */
  public long execute(int copies, String target) {
    if (job.augment().stream().allMatch(op -> AugmentSpec.BATCH.contains(op.type()))) {
      throw new ConfigException("augment.ops", "has no per-example operation to materialise "
          + "(mixup and cutmix mix whole minibatches during training); add e.g. { type = flip }");
    }
    RunContext ctx = RunContext.start(job, null, master, out);
    Path outPath = new Path(target);
    Path temp = new Path(outPath.getParent(), "." + outPath.getName() + ".tmp-" + UUID.randomUUID());
    FileSystem fs = fileSystem(ctx, outPath, target);
    Splits data = ctx.load(new Path(temp, "_rejected").toString(), DataLoader.Fixed.NONE);
    AugmentPipeline pipeline = Trainer.augmentPipeline(job, data);
    JavaPairRDD<Example, Long> indexed = data.train().zipWithIndex().persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<Row> rows = null;
    int stepWidth = data.shape().sequence() ? data.shape().width() : 0;
    for (int copy = 0; copy <= copies; copy++) {
      final int k = copy;
      JavaRDD<Row> one = indexed.map(t -> row(k, t._2(), k == 0 ? t._1() : pipeline.apply(t._1(), k, t._2()),
          stepWidth));
      rows = rows == null ? one : rows.union(one);
    }
    StructType schema = stepWidth == 0 ? SCHEMA
        : sequenceSchema(job.data().isSequenceFile() && job.data().sequence().labels()
            == io.sparktrain.config.SequenceOptions.Labels.STEP);
    // The temporary folder (a name of its own) already holds _rejected/ when records were quarantined.
    ctx.spark().createDataFrame(rows, schema).write().mode(org.apache.spark.sql.SaveMode.Append)
        .parquet(temp.toString());
    long written = (copies + 1) * data.trainCount();
    try {
      if (!fs.rename(temp, outPath)) {
        throw new DataException(target + ": cannot move the output into place from " + temp);
      }
    } catch (IOException e) {
      throw new DataException(target + ": cannot move the output into place: " + e.getMessage(), e);
    }
    indexed.unpersist(false);
    data.unpersist();
    ctx.printf("augment: %d training examples x (1 original + %d augmented copies) = %d rows of %s "
        + "(%s), features as data.normalization = %s leaves them; pipeline: %s%n", data.trainCount(), copies, written,
        data.shape(), target, job.data().normalization(), String.join("; ", pipeline.describe()));
    for (io.sparktrain.data.Rejected r : data.rejected()) {
      // Counted and kept, never dropped silently: the quarantine moved into place with the output.
      ctx.printf("augment: %d of %d records of %s quarantined (%s) in %s%n", r.total(), r.records(), r.source(),
          r.byReason().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
              .collect(java.util.stream.Collectors.joining(", ")), new Path(outPath, "_rejected"));
    }
    return written;
  }

  private static FileSystem fileSystem(RunContext ctx, Path outPath, String target) {
    try {
      FileSystem fs = outPath.getFileSystem(ctx.sc().hadoopConfiguration());
      if (fs.exists(outPath)) {
        throw new DataException(target + ": already exists; augment writes a new folder");
      }
      return fs;
    } catch (IOException e) {
      throw new DataException(target + ": cannot check the output: " + e.getMessage(), e);
    }
  }
}
