package io.sparktrain.augment;

import io.sparktrain.data.BatchFiles;
import java.io.IOException;
import java.io.InputStream;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Reads one exported minibatch file ({@link BatchFiles}) on a worker and augments it for one epoch as
 * it is loaded, so the training split is exported once and every epoch still sees fresh randomness:
 * row i of {@code batch-<first>.bin} is example {@code first + i} of the training split, augmented with
 * the randomness of (seed, epoch, first + i). dl4j-spark serializes the loader into each round's tasks;
 * the trainer makes one per epoch.
 */
public record AugmentingLoader(AugmentPipeline pipeline, int epoch) implements DataSetLoader {
  private static final long serialVersionUID = 1L;

  @Override
  public DataSet load(Source source) throws IOException {
    DataSet ds;
    try (InputStream in = source.getInputStream()) {
      ds = BatchFiles.read(in, source.getPath());
    }
    return pipeline.augment(ds, epoch, BatchFiles.firstIndex(source.getPath()));
  }
}
