package io.sparktrain.train;

/**
 * How an epoch's minibatches reach the workers, one type per approach ({@code train.approach}):
 * {@link ExportedBatches} (written once as files; the loop runs every averaging round itself) or
 * {@link DirectBatches} (kept in Spark's memory; dl4j-spark runs an epoch's rounds, so the loop's checks
 * act once per epoch).
 */
sealed interface RoundSource permits ExportedBatches, DirectBatches {
  /** The rounds the loop runs in {@code epoch}. */
  int rounds(int epoch);

  /** The averaging rounds dl4j-spark runs in an epoch, for progress. */
  int averagingRounds(int epoch);

  /** Fits round {@code round} (0-based) of {@code epoch} on the workers. */
  void fit(SparkNetwork net, int epoch, int round);

  /**
   * After a round failed: throws a {@link io.sparktrain.data.StorageException} naming the folder when
   * the storage the workers read from is what failed (an object store that stopped answering), so the
   * run ends with the storage exit code instead of Spark's task failure.
   */
  default void probe(Exception failure) {}

  /** Drops what the source cached or wrote (exported minibatches, cached RDDs). */
  void close();
}
