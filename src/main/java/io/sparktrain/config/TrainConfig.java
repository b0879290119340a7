package io.sparktrain.config;

import java.util.List;

/** The epoch loop and how dl4j-spark's parameter averaging runs it. */
public record TrainConfig(
    int epochs,
    int batchSizePerWorker,
    int averagingFrequency,
    int workers,
    boolean saveUpdater,
    int workerPrefetchBatches,
    String approach,
    String exportDirectory) {

  public static final List<String> APPROACHES = List.of("export", "direct");

  public TrainConfig {
    Check.range("train.epochs", epochs, 1, 100_000);
    Check.range("train.batchSizePerWorker", batchSizePerWorker, 1, 1_000_000);
    Check.range("train.averagingFrequency", averagingFrequency, 1, 100_000);
    Check.range("train.workers", workers, 0, 100_000);
    Check.range("train.workerPrefetchBatches", workerPrefetchBatches, 0, 1_000);
    Check.oneOf("train.approach", approach, APPROACHES);
  }
}
