package io.sparktrain.serve;

import io.sparktrain.config.ConfigException;
import io.sparktrain.data.Keyed;
import io.sparktrain.data.StorageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The predictions as Parquet: the input's identifying columns, {@code label} (when the input has labels;
 * null where a record has none), {@code predicted} (the class name), {@code predictedIndex} and
 * {@code probabilities} (one per class, in label order). Written under a temporary name beside the
 * output and renamed into place when complete; rejected input records go to {@code _rejected/} inside
 * it (Spark's readers skip names starting with '_').
 */
public final class Predictions {
  public static final String REJECTED = "_rejected";

  private Predictions() {}

  /** The output folder while it is written: refuses an output that exists, creates the temporary folder. */
  public record Target(String output, Path temporary, FileSystem fs) {
    public String quarantine() {
      return new Path(temporary, REJECTED).toString();
    }

    /** Moves the finished folder into place. */
    public void commit() {
      try {
        Path target = new Path(output);
        if (fs.exists(target)) {
          throw new ConfigException("--output", output + " appeared while the predictions were written; they are in "
              + temporary);
        }
        if (!fs.rename(temporary, target)) {
          throw new StorageException("cannot rename " + temporary + " to " + output, null);
        }
      } catch (IOException e) {
        throw StorageException.writing(output, e);
      }
    }

    /** Removes the temporary folder after a failure. */
    public void abandon() {
      try {
        fs.delete(temporary, true);
      } catch (IOException e) {
        // Nothing was published; a later run sweeps nothing here, the name is unique.
      }
    }
  }

  public static Target target(String output, Configuration conf) {
    Path path = new Path(output);
    try {
      FileSystem fs = path.getFileSystem(conf);
      if (fs.exists(path)) {
        throw new ConfigException("--output", output + " already exists; choose a new folder so nothing is overwritten");
      }
      Path parent = fs.makeQualified(path).getParent();
      Path tmp = new Path(parent, "." + path.getName() + ".tmp-" + UUID.randomUUID());
      if (!fs.mkdirs(tmp)) {
        throw new StorageException("cannot create " + tmp, null);
      }
      return new Target(output, tmp, fs);
    } catch (IOException e) {
      throw StorageException.writing(output, e);
    }
  }

  /** The output's schema: the keys, the label when the input has labels, then the prediction. */
  public static StructType schema(List<StructField> keys, boolean labelled) {
    List<StructField> fields = new ArrayList<>(keys);
    if (labelled) {
      fields.add(DataTypes.createStructField("label", DataTypes.IntegerType, true));
    }
    fields.add(DataTypes.createStructField("predicted", DataTypes.StringType, false));
    fields.add(DataTypes.createStructField("predictedIndex", DataTypes.IntegerType, false));
    fields.add(DataTypes.createStructField("probabilities",
        DataTypes.createArrayType(DataTypes.DoubleType, false), false));
    return DataTypes.createStructType(fields);
  }

  /** The predictions as rows of {@link #schema}. */
  public static JavaRDD<Row> rows(JavaRDD<Scorer.Scored> scored, List<String> classNames, boolean labelled) {
    return scored.map(s -> {
      Object[] values = new Object[s.keys().length + (labelled ? 4 : 3)];
      System.arraycopy(s.keys(), 0, values, 0, s.keys().length);
      int at = s.keys().length;
      if (labelled) {
        values[at++] = s.label() == Keyed.UNLABELLED ? null : s.label();
      }
      values[at++] = classNames.get(s.predicted());
      values[at++] = s.predicted();
      double[] p = new double[s.probabilities().length];
      for (int i = 0; i < p.length; i++) {
        p[i] = s.probabilities()[i];
      }
      values[at] = p;
      return RowFactory.create(values);
    });
  }

  /** Writes the rows into the temporary folder (the Spark job that scores them). */
  public static void write(SparkSession spark, JavaRDD<Row> rows, StructType schema, Target target) {
    Dataset<Row> frame = spark.createDataFrame(rows, schema);
    frame.write().mode(SaveMode.Append).parquet(target.temporary().toString());
  }
}
