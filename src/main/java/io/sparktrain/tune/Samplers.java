package io.sparktrain.tune;

import io.sparktrain.config.Dimension;
import io.sparktrain.config.SearchSpace;
import io.sparktrain.config.TuneConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/** The samplers sparktrain ships: random sampling and a grid, and the rule {@code tune.sampler = auto} follows. */
public final class Samplers {
  private Samplers() {}

  /** The sampler {@code tune.sampler} asks for. */
  public static Sampler of(SearchSpace space, TuneConfig tune, long seed) {
    return switch (tune.sampler()) {
      case GRID -> new Grid(space, tune.gridPoints());
      case RANDOM -> new Random(space, seed, tune.gridPoints());
      case AUTO -> space.dimensions().stream().allMatch(Dimension::discrete)
          && Grid.points(space, tune.gridPoints()).size() <= tune.trials()
          ? new Grid(space, tune.gridPoints()) : new Random(space, seed, tune.gridPoints());
    };
  }

  /** A 64-bit mix of two numbers (SplitMix64's finaliser): the seed of one trial from the search seed. */
  public static long mix(long seed, long number) {
    long z = seed + 0x9E3779B97F4A7C15L * (number + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Independent random draws per trial. When every dimension is discrete, the trials are a seeded
   * permutation of the grid instead, so no configuration is trained twice.
   */
  static final class Random implements Sampler {
    private final SearchSpace space;
    private final long seed;
    private final List<Map<String, Object>> permuted;

    Random(SearchSpace space, long seed, int gridPoints) {
      this.space = space;
      this.seed = seed;
      if (space.dimensions().stream().allMatch(Dimension::discrete)) {
        List<Map<String, Object>> grid = new ArrayList<>(Grid.points(space, gridPoints));
        SplittableRandom rng = new SplittableRandom(mix(seed, -1));
        for (int i = grid.size() - 1; i > 0; i--) {
          java.util.Collections.swap(grid, i, rng.nextInt(i + 1));
        }
        permuted = grid;
      } else {
        permuted = null;
      }
    }

    @Override
    public Optional<Map<String, Object>> next(int number, List<TrialRecord> finished) {
      if (permuted != null) {
        return number < permuted.size() ? Optional.of(permuted.get(number)) : Optional.empty();
      }
      SplittableRandom rng = new SplittableRandom(mix(seed, number));
      Map<String, Object> values = new LinkedHashMap<>();
      for (Dimension d : space.dimensions()) {
        if (d.when().map(c -> c.holds(values)).orElse(true)) {
          values.put(d.key(), draw(d, rng));
        }
      }
      return Optional.of(values);
    }

    static Object draw(Dimension d, SplittableRandom rng) {
      if (d instanceof Dimension.LogUniform u) {
        return Math.exp(Math.log(u.min()) + rng.nextDouble() * (Math.log(u.max()) - Math.log(u.min())));
      } else if (d instanceof Dimension.Uniform u) {
        return u.min() + rng.nextDouble() * (u.max() - u.min());
      } else if (d instanceof Dimension.IntRange r) {
        if (r.log()) {
          double v = Math.exp(Math.log(r.min()) + rng.nextDouble() * (Math.log(r.max() + 1.0) - Math.log(r.min())));
          return (int) Math.min(r.max(), Math.floor(v));
        }
        return r.min() + rng.nextInt(r.max() - r.min() + 1);
      }
      Dimension.Choice c = (Dimension.Choice) d;
      return c.values().get(rng.nextInt(c.values().size()));
    }

    @Override
    public String name() {
      return permuted != null ? "random (a seeded permutation of the " + permuted.size() + "-point grid)" : "random";
    }
  }

  /** Every combination of the dimensions' grid values, conditional dimensions only where they apply. */
  static final class Grid implements Sampler {
    private final List<Map<String, Object>> points;

    Grid(SearchSpace space, int gridPoints) {
      this.points = points(space, gridPoints);
    }

    static List<Map<String, Object>> points(SearchSpace space, int gridPoints) {
      List<Map<String, Object>> out = new ArrayList<>();
      expand(space.dimensions(), 0, new LinkedHashMap<>(), gridPoints, out);
      return out;
    }

    private static void expand(List<Dimension> dims, int i, Map<String, Object> values, int gridPoints,
        List<Map<String, Object>> out) {
      if (i == dims.size()) {
        out.add(new LinkedHashMap<>(values));
        return;
      }
      Dimension d = dims.get(i);
      if (!d.when().map(c -> c.holds(values)).orElse(true)) {
        expand(dims, i + 1, values, gridPoints, out);
        return;
      }
      for (Object v : d.gridValues(gridPoints)) {
        values.put(d.key(), v);
        expand(dims, i + 1, values, gridPoints, out);
        values.remove(d.key());
      }
    }

    @Override
    public Optional<Map<String, Object>> next(int number, List<TrialRecord> finished) {
      return number < points.size() ? Optional.of(points.get(number)) : Optional.empty();
    }

    @Override
    public String name() {
      return "grid (" + points.size() + " points)";
    }
  }
}
