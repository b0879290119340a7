package io.sparktrain.report.schema;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * One line of metrics.jsonl: a JSON object whose {@code type} names the record, then its components in
 * order, {@code time} (ISO-8601, when it was written) last. Numbers that were NaN or infinite are null.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = MetricsLine.Round.class, name = "round"),
    @JsonSubTypes.Type(value = MetricsLine.Health.class, name = "health"),
    @JsonSubTypes.Type(value = MetricsLine.StepGradient.class, name = "stepGradient"),
    @JsonSubTypes.Type(value = MetricsLine.Diagnosis.class, name = "diagnosis"),
    @JsonSubTypes.Type(value = MetricsLine.Recovery.class, name = "recovery"),
    @JsonSubTypes.Type(value = MetricsLine.Stall.class, name = "stall"),
    @JsonSubTypes.Type(value = MetricsLine.Epoch.class, name = "epoch"),
    @JsonSubTypes.Type(value = MetricsLine.Resume.class, name = "resume")})
public sealed interface MetricsLine {
  String time();

  /**
   * After every parameter-averaging round.
   *
   * @param trainLoss the workers' mean minibatch loss, null if one was NaN/Inf
   */
  record Round(int epoch, int round, long minibatches, long examples, Double trainLoss, Double seconds,
      Double learningRate, String time) implements MetricsLine {}

  /** A round's per-layer gradient health (medians of the samples taken in it). */
  record Health(int epoch, int round, List<Layer> layers, String time) implements MetricsLine {}

  /**
   * A round's gradient through time (networks of sequences): the median over its samples of the norm of
   * the loss gradient with respect to the input at each time step.
   *
   * @param layer 1-based: the first recurrent layer, which the gradient went back through
   * @param layerType its type in model.layers
   * @param steps 1-based time steps (at most 100, spread evenly, the first and last among them)
   * @param norms the norm at each of {@code steps}; null where it was NaN or infinite
   */
  record StepGradient(int epoch, int round, int layer, String layerType, List<Integer> steps, List<Double> norms,
      String time) implements MetricsLine {}

  /**
   * @param layer 1-based
   * @param type the layer's type in model.layers
   * @param log10UpdateRatio log10 of the update:parameter ratio
   */
  record Layer(int layer, String type, Double gradientNorm, Double log10UpdateRatio, Double activationStd,
      Double deadFraction) {}

  /**
   * A finding, the first time it holds.
   *
   * @param layers 1-based layer numbers; empty for the whole network
   * @param value the measurement that {@code measure} names
   */
  record Diagnosis(String kind, int epoch, int round, List<Integer> layers, String measure, Double value,
      String message, String time) implements MetricsLine {}

  /** The divergence guard undid a round. */
  record Recovery(int epoch, int round, String reason, Double learningRateBefore, Double learningRateAfter,
      String time) implements MetricsLine {}

  /**
   * The stall policy acted or reported (train.stall).
   *
   * @param round the round after which it happened, 0-based
   * @param event reported, boost, kept, rollback or restart
   * @param finding the diagnosis kind behind it: stall or rate-too-small
   * @param loss the plateau's mean training loss (kept, rollback: the boosted rounds')
   */
  record Stall(int epoch, int round, String event, String finding, Double learningRateBefore,
      Double learningRateAfter, Double loss, String detail, String time) implements MetricsLine {}

  /**
   * After every epoch.
   *
   * @param seconds trainSeconds + validationSeconds
   * @param trainTime where trainSeconds went, in wall-clock seconds; null where not measured
   */
  record Epoch(int epoch, int epochs, Double trainLoss, Double validationLoss, Double validationAccuracy,
      Double examplesPerSecond, Double seconds, Double trainSeconds, Double validationSeconds,
      TrainTime trainTime, Double learningRate, String time) implements MetricsLine {}

  /**
   * Where an epoch's training seconds went (io.sparktrain.train.TrainTime): the four parts add up to
   * the epoch's trainSeconds.
   *
   * @param fit the workers fitting minibatches (mean per worker)
   * @param workerOther the rest of the workers' tasks: the network from the broadcast parameters,
   *     minibatches the prefetch did not hide, returning the parameters, exporting (first epoch)
   * @param taskOverhead launching tasks and fetching their results
   * @param driver the driver between tasks: broadcast, averaging, the checks between rounds
   */
  record TrainTime(Double fit, Double workerOther, Double taskOverhead, Double driver) {}

  /**
   * A resumed run continued here: the lines before it are those its checkpoint had seen; the earlier
   * attempt's lines after that checkpoint are gone (those rounds run again).
   *
   * @param epoch the epoch the run resumed in
   * @param round the rounds of it the checkpoint had done
   * @param checkpoint the checkpoint's file name in checkpoints/, null when there was none (from the start)
   * @param lostRounds rounds the earlier attempt ran after that checkpoint, done again
   * @param lostSeconds their seconds, and those of any validation among them
   */
  record Resume(int epoch, int round, String checkpoint, int lostRounds, Double lostSeconds, String time)
      implements MetricsLine {}
}
