package io.sparktrain.config;

import java.util.List;
import java.util.Optional;

/**
 * One dimension of a search space: the job key it sets and the values it may take. A dimension with a
 * {@link Condition} is only part of a trial when another dimension took one of the listed values (the
 * filters of a third convolution stage exist only when there are three stages).
 */
public sealed interface Dimension {
  /** The job key (or {@code architecture.*} key) this dimension sets. */
  String key();

  Optional<Condition> when();

  /** Whether every value can be listed (a choice, or an integer range). */
  boolean discrete();

  /** The values a grid takes: every choice or integer, else {@code points} evenly spaced values. */
  List<Object> gridValues(int points);

  /** The values the job's validation is tried with before anything runs: the bounds, or every choice. */
  List<Object> extremes();

  /** {@code points} values from {@code min} to {@code max}, evenly spaced (on a log scale when {@code log}). */
  static List<Double> spaced(double min, double max, int points, boolean log) {
    List<Double> out = new java.util.ArrayList<>();
    for (int i = 0; i < points; i++) {
      double t = (double) i / (points - 1);
      out.add(log ? Math.exp(Math.log(min) + (Math.log(max) - Math.log(min)) * t) : min + (max - min) * t);
    }
    return out;
  }

  /** Active only when the dimension {@code key} took one of {@code in}. */
  record Condition(String key, List<Object> in) {
    public Condition {
      in = List.copyOf(in);
    }

    public boolean holds(java.util.Map<String, Object> values) {
      Object v = values.get(key);
      return v != null && in.stream().anyMatch(x -> SearchSpace.same(x, v));
    }
  }

  /** A real number drawn uniformly on a log scale between {@code min} and {@code max} (both > 0). */
  record LogUniform(String key, double min, double max, Optional<Condition> when) implements Dimension {
    @Override
    public boolean discrete() {
      return false;
    }

    @Override
    public List<Object> gridValues(int points) {
      return List.copyOf(spaced(min, max, points, true));
    }

    @Override
    public List<Object> extremes() {
      return List.of(min, max);
    }
  }

  /** A real number drawn uniformly between {@code min} and {@code max}. */
  record Uniform(String key, double min, double max, Optional<Condition> when) implements Dimension {
    @Override
    public boolean discrete() {
      return false;
    }

    @Override
    public List<Object> gridValues(int points) {
      return List.copyOf(spaced(min, max, points, false));
    }

    @Override
    public List<Object> extremes() {
      return List.of(min, max);
    }
  }

  /** A whole number in [{@code min}, {@code max}], drawn uniformly (on a log scale when {@code log}). */
  record IntRange(String key, int min, int max, boolean log, Optional<Condition> when) implements Dimension {
    /** An integer range is listed whole in a grid up to this many values. */
    public static final int GRID_LIMIT = 10;

    @Override
    public boolean discrete() {
      return max - min + 1 <= GRID_LIMIT;
    }

    @Override
    public List<Object> gridValues(int points) {
      List<Object> out = new java.util.ArrayList<>();
      if (discrete()) {
        for (int v = min; v <= max; v++) {
          out.add(v);
        }
        return out;
      }
      for (double v : spaced(min, max, points, log)) {
        int r = (int) Math.round(v);
        if (!out.contains(r)) {
          out.add(r);
        }
      }
      return out;
    }

    @Override
    public List<Object> extremes() {
      return min == max ? List.of(min) : List.of(min, max);
    }
  }

  /** One of the listed values (numbers, strings, booleans, or whole HOCON lists and objects). */
  record Choice(String key, List<Object> values, Optional<Condition> when) implements Dimension {
    public Choice {
      values = List.copyOf(values);
    }

    @Override
    public boolean discrete() {
      return true;
    }

    @Override
    public List<Object> gridValues(int points) {
      return values;
    }

    @Override
    public List<Object> extremes() {
      return values;
    }
  }
}
