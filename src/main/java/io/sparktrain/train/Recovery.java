package io.sparktrain.train;

/** One intervention of the divergence guard: the round undone, why, and the learning rate before and after. */
public record Recovery(int epoch, int round, String reason, double learningRateBefore, double learningRateAfter) {}
