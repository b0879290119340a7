package io.sparktrain.cli;

import io.sparktrain.data.Rejected;
import io.sparktrain.serve.ModelFile;
import io.sparktrain.serve.ModelSource;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;

/** What predict and evaluate share: loading the model and checking it on the driver before Spark uses it. */
final class Models {
  private Models() {}

  /**
   * The model, read and checked: its digest where one is recorded, its manifest, and a network that
   * restores with one output per class (a damaged coefficients.bin fails here, naming the file).
   */
  static ModelFile.Loaded load(ModelSource source, JavaSparkContext sc) {
    return source.load(sc.hadoopConfiguration()).checked();
  }

  static String reasons(Rejected r) {
    return r.byReason().entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
  }
}
