package io.sparktrain.tune;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the values of each new trial. A sampler is a function of the trial's number and, for
 * model-based samplers (a TPE-style one, say), of the trials finished so far; the same search seed and
 * number give the same values, which is what lets {@code --resume} carry on a search.
 */
public interface Sampler {
  /** The values of trial {@code number} (0-based), or empty when this sampler has no more trials. */
  Optional<Map<String, Object>> next(int number, List<TrialRecord> finished);

  /** The name written to trials.csv's header comment and the report, e.g. "random" or "grid". */
  String name();
}
