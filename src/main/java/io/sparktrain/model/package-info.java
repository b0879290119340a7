/**
 * Model: {@link io.sparktrain.model.ModelFactory} turns the configured layers, activations, weight
 * initialisation, updater and regularisation into a DL4J {@code MultiLayerConfiguration}.
 */
package io.sparktrain.model;
