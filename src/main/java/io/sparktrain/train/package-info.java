/**
 * Training: {@link io.sparktrain.train.Trainer} owns the epoch loop around dl4j-spark's parameter
 * averaging (train, then validate, every epoch). This package and {@code tune} are the only ones that
 * touch dl4j-spark classes.
 */
package io.sparktrain.train;
