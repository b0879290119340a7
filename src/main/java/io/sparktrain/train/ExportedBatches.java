package io.sparktrain.train;

import io.sparktrain.augment.AugmentPipeline;
import io.sparktrain.augment.AugmentingLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.core.loader.DataSetLoader;

/**
 * The training split exported once as minibatch files ({@link io.sparktrain.data.BatchFiles}); every
 * epoch shuffles the list of files with (seed, epoch) and each averaging round is one {@code fitPaths}
 * over the next {@code workers x averagingFrequency} of them, spread over {@code workers} partitions.
 * Augmentation, if any, runs as the workers load each file ({@link AugmentingLoader}). Round r of epoch
 * e is therefore the same files, in the same partitions, in every run of the same seed, which is what
 * lets a run resume in the middle of an epoch.
 */
record ExportedBatches(JavaSparkContext sc, List<String> files, AugmentPipeline augment, long seed, int workers,
    int averagingFrequency, Runnable cleanup) implements RoundSource {
  ExportedBatches {
    files = List.copyOf(files);
  }

  private int perRound() {
    return workers * averagingFrequency;
  }

  @Override
  public int rounds(int epoch) {
    return (files.size() + perRound() - 1) / perRound();
  }

  @Override
  public int averagingRounds(int epoch) {
    return rounds(epoch);
  }

  /**
   * The files of round {@code round} of {@code epoch}, the split's last file (the one that may be short)
   * at the end of its round: a worker re-cuts what it loads into minibatches of its batch size, so a short
   * file anywhere else would shift the later minibatches of its round across two files.
   */
  List<String> slice(int epoch, int round) {
    List<String> order = new ArrayList<>(files);
    Collections.shuffle(order, new Random(seed * 1_000_003L + epoch));
    List<String> slice = new ArrayList<>(order.subList(round * perRound(),
        Math.min(order.size(), (round + 1) * perRound())));
    String last = files.get(files.size() - 1);
    if (slice.remove(last)) {
      slice.add(last);
    }
    return slice;
  }

  @Override
  public void fit(SparkNetwork net, int epoch, int round) {
    List<String> slice = slice(epoch, round);
    int partitions = Math.min(workers, slice.size());
    JavaRDD<String> paths = sc.parallelize(slice, partitions);
    DataSetLoader loader = augment.isEmpty() ? new BatchLoader() : new AugmentingLoader(augment, epoch);
    net.fitPaths(paths, loader, (slice.size() + partitions - 1) / partitions);
  }

  @Override
  public void probe(Exception failure) {
    org.apache.hadoop.fs.Path first = new org.apache.hadoop.fs.Path(files.get(0));
    try {
      first.getFileSystem(sc.hadoopConfiguration()).getFileStatus(first);
    } catch (java.io.IOException | RuntimeException e) {
      io.sparktrain.data.StorageException gone = io.sparktrain.data.StorageException.reading(first.getParent(), e);
      gone.addSuppressed(failure);
      throw gone;
    }
  }

  @Override
  public void close() {
    cleanup.run();
  }
}
