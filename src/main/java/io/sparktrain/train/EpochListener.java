package io.sparktrain.train;

/** Told about every finished epoch: writes metrics, prints progress. */
@FunctionalInterface
public interface EpochListener {
  void epochDone(EpochMetrics metrics, int totalEpochs);
}
