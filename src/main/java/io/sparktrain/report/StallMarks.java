package io.sparktrain.report;

import io.sparktrain.report.schema.MetricsLine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the stall policy's events go on the report's charts: one marker series per kind of event
 * (boost, kept, rollback, restart, reported), placed at the round after which it happened.
 */
final class StallMarks {
  /** Which value a marker sits on. */
  enum Y {
    /** The round's training loss. */
    LOSS,
    /** The learning rate training goes on with. */
    RATE
  }

  private final List<MetricsLine.Round> rounds;
  private final List<MetricsLine.Stall> events;

  StallMarks(List<MetricsLine.Round> rounds, List<MetricsLine.Stall> events) {
    this.rounds = rounds;
    this.events = events;
  }

  /**
   * Markers over the per-round charts: on the loss, at the round after which the event happened (x = its
   * position, 1-based, among all round lines); on the rate, at the first round that ran with the new rate.
   */
  Map<String, List<Charts.Point>> byRound(Y y) {
    Map<String, List<Charts.Point>> out = new LinkedHashMap<>();
    for (MetricsLine.Stall e : events) {
      int i = index(e);
      if (i < 0) {
        continue;
      }
      double value = y == Y.LOSS ? num(rounds.get(i).trainLoss()) : num(e.learningRateAfter());
      out.computeIfAbsent(name(e), k -> new ArrayList<>()).add(new Charts.Point(y == Y.LOSS ? i + 1 : i + 2, value));
    }
    return out;
  }

  /**
   * Markers over the per-epoch loss chart, x = the epoch's progress at the event (epoch 3's points are
   * at x = 3, its end), y = the plateau's or the boosted rounds' mean loss.
   */
  Map<String, List<Charts.Point>> byEpoch() {
    Map<String, List<Charts.Point>> out = new LinkedHashMap<>();
    for (MetricsLine.Stall e : events) {
      long inEpoch = rounds.stream().filter(r -> r.epoch() == e.epoch()).count();
      if (inEpoch == 0) {
        continue;
      }
      double x = e.epoch() - 1 + Math.min(1.0, (e.round() + 1) / (double) inEpoch);
      out.computeIfAbsent(name(e), k -> new ArrayList<>()).add(new Charts.Point(x, num(e.loss())));
    }
    return out;
  }

  private static String name(MetricsLine.Stall e) {
    return "stall: " + e.event();
  }

  /** The last round line of the event's round (round lines count from 1, the loop's rounds from 0); -1 if none. */
  private int index(MetricsLine.Stall e) {
    for (int i = rounds.size() - 1; i >= 0; i--) {
      if (rounds.get(i).epoch() == e.epoch() && rounds.get(i).round() == e.round() + 1) {
        return i;
      }
    }
    return -1;
  }

  private static double num(Double d) {
    return d == null ? Double.NaN : d;
  }
}
