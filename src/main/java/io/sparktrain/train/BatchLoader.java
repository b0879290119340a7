package io.sparktrain.train;

import io.sparktrain.data.BatchFiles;
import java.io.IOException;
import java.io.InputStream;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Reads one exported minibatch on a worker, as DL4J's SerializedDataSetLoader would, but refusing the
 * parts of ND4J's format that are Java-deserialized ({@link BatchFiles#read}).
 */
record BatchLoader() implements DataSetLoader {
  private static final long serialVersionUID = 1L;

  @Override
  public DataSet load(Source source) throws IOException {
    try (InputStream in = source.getInputStream()) {
      return BatchFiles.read(in, source.getPath());
    }
  }
}
