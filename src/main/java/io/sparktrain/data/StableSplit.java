package io.sparktrain.data;

import java.io.Serializable;

/**
 * Assigns every example to train, validation or test from the seed and the example's own identity (a
 * hash of its label and features), never from its position in a partition or the order of a shuffle: a
 * recomputed partition (a lost executor, an evicted cache, a resumed run) puts every example where it
 * was. Identical examples share an identity and so a split, which also keeps duplicates from leaking
 * from training into the test set.
 *
 * @param validation the fraction held out for validation (of what is not test)
 * @param test the fraction held out as the test set; 0 when the job has its own test set
 */
public record StableSplit(long seed, double validation, double test) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Where an example goes. */
  public enum Part { TRAIN, VALIDATION, TEST }

  /** The part of the example with this identity. */
  public Part of(long id) {
    double u = unit(mix(id ^ mix(seed)));
    if (u < test) {
      return Part.TEST;
    }
    return unit(mix(id ^ mix(seed + 1))) < validation ? Part.VALIDATION : Part.TRAIN;
  }

  /** A key that orders the examples of one class at random for a seeded sample ({@code data.trainPerClass}). */
  public long sampleKey(long id) {
    return mix(id ^ mix(seed + 2));
  }

  /** The identity of an example: a 64-bit hash of its label and feature values. */
  public static long id(Example e) {
    long h = mix(0x9E3779B97F4A7C15L + e.label());
    for (float f : e.features()) {
      h = mix(h ^ (Float.floatToIntBits(f) & 0xffffffffL));
    }
    return h;
  }

  /** A value in [0, 1) from the top 53 bits. */
  static double unit(long h) {
    return (h >>> 11) * 0x1.0p-53;
  }

  /** Stafford's variant 13 of the 64-bit MurmurHash3 finaliser (as in SplittableRandom). */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
