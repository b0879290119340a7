package io.sparktrain.config;

import com.typesafe.config.Config;

/**
 * One job, fully resolved and validated.
 *
 * @param resolved the merged HOCON tree, written to the run directory as {@code config.resolved.conf}
 */
public record JobConfig(
    String name, long seed, String output, DataConfig data, ModelConfig model, TrainConfig train, SparkSettings spark,
    HealthConfig health, LrFindConfig lrFind, Config resolved) {

  public JobConfig {
    Check.notBlank("name", name, "a job name");
    LayerSpec out = model.layers().get(model.layers().size() - 1);
    Check.that(out.units() == 0 || out.units() == data.numClasses(), out.key() + ".units",
        "is " + out.units() + " but data.numClasses = " + data.numClasses()
            + "; leave units out of the output layer, or make them equal");
    for (LayerSpec layer : model.layers()) {
      boolean spatial = layer.type().equals("conv") || layer.type().equals("subsampling");
      Check.that(!spatial || data.isImage(), layer.key() + ".type",
          "a " + layer.type() + " layer needs image input (data.format = idx), but data.format = " + data.format()
              + "; use dense layers for tabular data");
    }
  }
}
