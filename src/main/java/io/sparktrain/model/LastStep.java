package io.sparktrain.model;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.Arrays;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.TimeSeriesUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;

/** The network side of {@link LastStepLayer}: picks each sequence's last real step, and routes the gradient back to it. */
public class LastStep extends AbstractLayer<LastStepLayer> {
  /** The step each example's output came from; null when there was no mask (all from the last step). */
  private int[] lastSteps;
  private long[] inputShape;

  public LastStep(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public Type type() {
    return Type.FEED_FORWARD;
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    if (input.rank() != 3) {
      throw new IllegalStateException("layer " + index + " (lasttimestep) takes sequences [minibatch, size, steps], "
          + "got an input of shape " + Arrays.toString(input.shape()));
    }
    inputShape = input.shape();
    Pair<INDArray, int[]> last = TimeSeriesUtils.pullLastTimeSteps(input, maskArray, workspaceMgr,
        ArrayType.ACTIVATIONS);
    lastSteps = maskArray == null ? null : last.getSecond();
    return last.getFirst();
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    INDArray out = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), inputShape, 'f');
    if (lastSteps == null) {
      out.put(new INDArrayIndex[] {all(), all(), point(inputShape[2] - 1)}, epsilon);
    } else {
      for (int i = 0; i < lastSteps.length; i++) {
        out.put(new INDArrayIndex[] {point(i), all(), point(lastSteps[i])}, epsilon.getRow(i));
      }
    }
    return new Pair<>(new DefaultGradient(), out);
  }

  /** The mask is used here (which step is last) and ends here: the output has one row per sequence. */
  @Override
  public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray mask, MaskState state, int minibatchSize) {
    this.maskArray = mask;
    this.maskState = state;
    return new Pair<>(null, state);
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  @Override
  public void clearNoiseWeightParams() {
    // no parameters
  }
}
