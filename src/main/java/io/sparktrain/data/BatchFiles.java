package io.sparktrain.data;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.broadcast.Broadcast;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Training minibatches written once as files, one serialized {@link DataSet} each, for dl4j-spark's
 * {@code fitPaths}. A file is named after the index (in the training split) of its first example,
 * {@code batch-000000001234.bin}, and holds consecutive examples, a whole minibatch but in the split's last
 * file ({@link Batches#indexed}): a loader can tell every row's index
 * from the name alone, which is what seeds augmentation on the workers (see
 * {@code io.sparktrain.augment.AugmentingLoader}). The names do not depend on executors or JVMs, so
 * they are the same in every run over the same data.
 */
public final class BatchFiles {
  private static final String PREFIX = "batch-";
  private static final String SUFFIX = ".bin";

  private BatchFiles() {}

  /**
   * Writes the examples, grouped into minibatches of {@code batchSize} (file k holds examples
   * {@code [k * batchSize, (k + 1) * batchSize)}, across partition boundaries), under
   * {@code dir}; returns the files' paths, sorted.
   *
   * @param indexed the training split with each example's index (zipWithIndex: consecutive within a partition)
   */
  public static List<String> export(JavaPairRDD<Example, Long> indexed, int batchSize, int numClasses, Shape shape,
      String dir, Broadcast<SerializableHadoopConfig> hadoop) {
    List<String> paths = new ArrayList<>(Batches.indexed(indexed, batchSize, numClasses, shape)
        .map(t -> write(t._2(), dir, t._1(), hadoop)).collect());
    paths.sort(null);
    return paths;
  }

  /**
   * Flags of ND4J's DataSet format (its first byte) for example metadata and label names, which
   * {@code DataSet.load} reads with Java deserialization ({@code ObjectInputStream.readObject}):
   * sparktrain never writes them, so a file that has them is refused before anything is deserialized.
   */
  static final int JAVA_SERIALIZED = 0x20 | 0x40;

  /**
   * One minibatch file read back without Java deserialization: ND4J's binary arrays only. A file on
   * shared storage (the export folder) may have been replaced by anyone who can write there.
   */
  public static DataSet read(java.io.InputStream stream, String path) throws IOException {
    java.io.PushbackInputStream in = new java.io.PushbackInputStream(stream, 1);
    int flags = in.read();
    if (flags < 0) {
      throw new IOException(path + ": empty; not a minibatch file");
    }
    if ((flags & JAVA_SERIALIZED) != 0) {
      throw new IOException(path + ": holds Java-serialized objects (example metadata or label names, header flags 0x"
          + Integer.toHexString(flags) + "), which sparktrain never writes and does not deserialize; refused");
    }
    in.unread(flags);
    DataSet ds = new DataSet();
    ds.load(in);
    return ds;
  }

  /** The index of the first example in a file written by {@link #export}. */
  public static long firstIndex(String path) {
    int slash = path.lastIndexOf('/');
    String name = path.substring(slash + 1);
    if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
      throw new IllegalArgumentException(path + ": not a minibatch file (expected " + PREFIX + "<index>" + SUFFIX + ")");
    }
    return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
  }

  /**
   * Writes one minibatch under a name of its own task attempt, then renames it into place. A retried
   * task cannot write the final name directly: on HDFS the dead attempt may still hold that file's
   * lease (AlreadyBeingCreatedException until the lease expires). The content depends only on the
   * data, so when another attempt already put the file in place, this one's copy is dropped.
   */
  private static String write(DataSet ds, String dir, long first, Broadcast<SerializableHadoopConfig> hadoop)
      throws IOException {
    Path path = new Path(dir, String.format(Locale.ROOT, "%s%012d%s", PREFIX, first, SUFFIX));
    FileSystem fs = path.getFileSystem(hadoop.getValue().getConfiguration());
    org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
    String attempt = task == null ? java.util.UUID.randomUUID().toString() : Long.toString(task.taskAttemptId());
    Path tmp = new Path(dir, "." + path.getName() + ".attempt-" + attempt);
    try (OutputStream out = fs.create(tmp, true)) {
      ds.save(out);
    }
    if (!fs.rename(tmp, path)) {
      if (!fs.exists(path)) {
        throw new IOException("cannot rename " + tmp + " to " + path);
      }
      fs.delete(tmp, false);
    }
    return path.toString();
  }
}
