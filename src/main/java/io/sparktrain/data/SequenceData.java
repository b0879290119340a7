package io.sparktrain.data;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/** What a sequence source reads: the parsed sequences of a file or folder, and the names of one step's features. */
public record SequenceData(JavaRDD<Parsed> records, List<String> featureNames) {}
