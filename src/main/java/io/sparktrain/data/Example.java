package io.sparktrain.data;

import java.io.Serializable;

/**
 * One labelled example: its features as a flat row (images row-major, channels last) and its class.
 * Arrays are not copied: an Example is handed from stage to stage, never shared and mutated.
 */
public record Example(float[] features, int label) implements Serializable {}
