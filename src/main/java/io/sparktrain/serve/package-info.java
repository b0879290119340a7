/**
 * Using a trained model where the data are: model.zip with what it needs (normalisation, classes, input
 * shape), finding it (a file, a run directory, the registry), scoring on the executors, and the Spark ML
 * transformer.
 */
package io.sparktrain.serve;
