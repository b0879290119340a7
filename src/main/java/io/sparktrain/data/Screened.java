package io.sparktrain.data;

/** A record as the quarantine judges it: accepted, or rejected with a reason and where it came from. */
interface Screened {
  boolean isOk();

  String reason();

  String location();
}
