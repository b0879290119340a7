/**
 * Data: sources that read {@link io.sparktrain.data.Example}s through Hadoop file systems
 * ({@link io.sparktrain.data.IdxReader}, {@link io.sparktrain.data.CsvSource}), seeded splits,
 * normalisation and minibatching into DL4J {@code DataSet}s.
 */
package io.sparktrain.data;
