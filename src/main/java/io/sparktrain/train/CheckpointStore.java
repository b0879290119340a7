package io.sparktrain.train;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;

/** Where the loop keeps training states (the run directory's {@code checkpoints/}: {@link RunCheckpoints}). */
public interface CheckpointStore {
  /**
   * Saves {@code state}; when this returns, the checkpoint is complete and the newest one. Throws
   * {@link io.sparktrain.data.StorageException} when the storage cannot take it, with the last complete
   * checkpoint left as it was.
   *
   * @param conf the network's configuration (saved with the weights, so the checkpoint is a loadable model)
   */
  void save(TrainingState state, MultiLayerConfiguration conf);
}
