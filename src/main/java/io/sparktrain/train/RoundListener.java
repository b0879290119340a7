package io.sparktrain.train;

/** Told about every finished averaging round (from the driver's listener thread). */
@FunctionalInterface
public interface RoundListener {
  void roundDone(RoundMetrics round);
}
