package io.sparktrain.model;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.NoParamLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code lasttimestep} layer: a sequence [minibatch, size, steps] (NCW) in, each sequence's last real
 * step [minibatch, size] out (the last step its mask marks, or the last one without a mask).
 *
 * <p>A layer of its own rather than DL4J's {@code LastTimeStep} wrapper, so that each configured layer is
 * one layer of the network: layer i of model.layers is layer i in every message and measurement.
 */
public class LastStepLayer extends NoParamLayer {
  private static final long serialVersionUID = 1L;

  public LastStepLayer() {
    setLayerName("lasttimestep");
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners, int index, INDArray params, boolean initialize, DataType dataType) {
    LastStep layer = new LastStep(conf, dataType);
    layer.setListeners(listeners);
    layer.setIndex(index);
    layer.setParamsViewArray(params);
    Map<String, INDArray> table = initializer().init(conf, params, initialize);
    layer.setParamTable(table);
    layer.setConf(conf);
    return layer;
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    if (!(inputType instanceof InputType.InputTypeRecurrent r)) {
      throw new IllegalStateException("layer " + layerIndex + " (lasttimestep) takes sequences, but its input is "
          + inputType + "; put it after a recurrent or 1-d layer");
    }
    return InputType.feedForward(r.getSize());
  }

  @Override
  public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
    return null;
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    return new LayerMemoryReport.Builder(layerName, LastStepLayer.class, inputType, getOutputType(-1, inputType))
        .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
  }
}
