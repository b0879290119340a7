package io.sparktrain.config;

import com.typesafe.config.Config;
import java.util.List;

/**
 * One job, fully resolved and validated.
 *
 * @param testTime test-time augmentation of the test set ({@code augment.testTime})
 * @param checkpoint how often the training state is checkpointed, and how many checkpoints are kept
 * @param resolved the merged HOCON tree, written to the run directory as {@code config.resolved.conf}
 */
public record JobConfig(
    String name, long seed, String output, DataConfig data, ModelConfig model, TrainConfig train, SparkSettings spark,
    HealthConfig health, LrFindConfig lrFind, List<AugmentSpec> augment, TestTimeConfig testTime,
    CheckpointConfig checkpoint, Config resolved) {

  /** This job with other data settings (e.g. the class names an image folder gives). */
  public JobConfig withData(DataConfig other) {
    return new JobConfig(name, seed, output, other, model, train, spark, health, lrFind, augment, testTime, checkpoint,
        resolved);
  }

  public JobConfig {
    Check.notBlank("name", name, "a job name");
    augment = List.copyOf(augment);
    for (AugmentSpec op : augment) {
      Check.that(!AugmentSpec.IMAGE_ONLY.contains(op.type()) || data.isImage() || data.isSequence(), op.key() + ".type",
          op.type() + " needs image input, but data.format = " + data.format() + "; for tabular rows use jitter, "
              + "noise or mixup");
      Check.that(!op.type().equals("jitter") || !data.isImage(), op.key() + ".type",
          "jitter is for tabular rows; for images use noise");
    }
    if (testTime.enabled()) {
      Check.that(data.isImage(), "augment.testTime.enabled",
          "test-time augmentation needs image input, but data.format = " + data.format());
      Check.that(augment.stream().anyMatch(op -> op.type().equals("flip") || op.type().equals("shift")),
          "augment.testTime.enabled", "its views follow the training pipeline's flip and shift, but augment.ops has "
              + "neither; add { type = flip } or { type = shift } to augment.ops, or turn test-time augmentation off");
    }
    LayerSpec out = model.layers().get(model.layers().size() - 1);
    Check.that(out.units() == 0 || out.units() == data.numClasses(), out.key() + ".units",
        "is " + out.units() + " but data.numClasses = " + data.numClasses()
            + "; leave units out of the output layer, or make them equal");
    sequenceChecks(data, model, augment);
    for (LayerSpec layer : model.layers()) {
      boolean spatial = layer.type().equals("conv") || layer.type().equals("subsampling");
      Check.that(!spatial || data.isImage(), layer.key() + ".type",
          "a " + layer.type() + " layer needs image input (data.format = idx or images, or parquet "
              + "with data.parquet.imageShape), but the data are tabular rows; use dense layers for tabular data");
    }
  }

  /** What sequence data and sequence layers need of each other. */
  private static void sequenceChecks(DataConfig data, ModelConfig model, List<AugmentSpec> augment) {
    List<LayerSpec> layers = model.layers();
    if (model.sequential() != data.isSequence()) {
      LayerSpec first = layers.stream().filter(l -> LayerSpec.SEQUENCE.contains(l.type())).findFirst()
          .orElse(layers.get(0));
      Check.that(false, model.sequential() ? first.key() + ".type" : "data.format", model.sequential()
          ? "a " + first.type() + " layer takes sequences, but data.format = " + data.format()
              + " gives single examples; use data.format = sequence-csv, sequence-files, sequence-parquet (or generated)"
          : "data.format = " + data.format() + " gives sequences, but the model has no sequence layer; start it with "
              + "lstm, simplernn, conv1d or embedding");
    }
    if (!data.isSequence()) {
      for (AugmentSpec op : augment) {
        Check.that(!AugmentSpec.SEQUENCE_ONLY.contains(op.type()), op.key() + ".type", op.type() + " works on "
            + "sequences, but data.format = " + data.format() + " gives single examples");
      }
      return;
    }
    for (AugmentSpec op : augment) {
      Check.that(AugmentSpec.FOR_SEQUENCES.contains(op.type()), op.key() + ".type", op.type() + " does not take "
          + "sequences (data.format = " + data.format() + "); for sequences use " + String.join(", ",
          AugmentSpec.FOR_SEQUENCES));
    }
    LayerSpec last = layers.get(layers.size() - 1);
    boolean perStep = data.isSequenceFile() && data.sequence().labels() == SequenceOptions.Labels.STEP;
    if (last.type().equals("rnnoutput")) {
      Check.that(perStep, last.key() + ".type", "rnnoutput predicts at every time step, but the data have one label "
          + "per sequence; set data.sequence.labels = step, or end with lasttimestep (or globalpooling) and output");
    } else {
      Check.that(!perStep, last.key() + ".type", "the data have a label per time step (data.sequence.labels = step), "
          + "so the last layer must be rnnoutput");
      boolean collapsed = layers.stream().anyMatch(l -> l.type().equals("lasttimestep") || l.type().equals("globalpooling"));
      Check.that(collapsed, last.key() + ".type", "an output layer predicts once per sequence: put a lasttimestep "
          + "(or globalpooling) layer before it, or use rnnoutput for a prediction per time step");
    }
    if (layers.get(0).type().equals("embedding")) {
      Check.that(data.normalization().equals("none"), "data.normalization",
          "must be none with an embedding layer: its input is token ids, which scaling would change");
    }
    if (data.format().equals("generated")) {
      Check.that(data.numClasses() == data.generated().symbols(), "data.numClasses",
          "is " + data.numClasses() + " but the generated task has " + data.generated().symbols()
              + " symbols (data.generated.symbols), one class each");
    }
  }
}
