package io.sparktrain.data;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * The examples of one job after loading, splitting and scaling, cached in Spark.
 *
 * @param featureNames the CSV feature column names; empty for images
 * @param trainClassCounts training examples per class, in label order
 * @param rejected the bad records of each source (only sources that had any)
 * @param classNames the class names in label order: the image folders' names, else data.classNames
 *     or the label numbers
 * @param identity what the splits hold (counts and identity sums), for a resumed run to check
 * @param partitions the partitions the examples are spread over
 */
public record Splits(
    JavaRDD<Example> train,
    JavaRDD<Example> validation,
    JavaRDD<Example> test,
    long trainCount,
    long validationCount,
    long testCount,
    Shape shape,
    FeatureScaler scaler,
    List<String> featureNames,
    List<Long> trainClassCounts,
    List<Rejected> rejected,
    List<String> classNames,
    SplitIdentity identity,
    int partitions) {

  public void unpersist() {
    train.unpersist(false);
    validation.unpersist(false);
    test.unpersist(false);
  }
}
