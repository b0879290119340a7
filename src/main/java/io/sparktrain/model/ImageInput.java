package io.sparktrain.model;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The network's view of an image minibatch: sparktrain's flat rows (row-major, channels last: height x
 * width x channels, as every source and augmentation makes them) to the 4-d layout the convolution layers
 * take, and the gradient back. NHWC is a reshape; NCHW a reshape and a transpose. (DL4J's own flat-to-image
 * step, {@code FeedForwardToCnnPreProcessor}, reads a flat row as channels first: for more than one
 * channel it would mix the colours of neighbouring pixels into one channel.)
 */
public final class ImageInput implements InputPreProcessor {
  private static final long serialVersionUID = 1L;
  private final long height;
  private final long width;
  private final long channels;
  private final CNN2DFormat format;

  public ImageInput(@JsonProperty("height") long height, @JsonProperty("width") long width,
      @JsonProperty("channels") long channels, @JsonProperty("format") CNN2DFormat format) {
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.format = format;
  }

  public long getHeight() {
    return height;
  }

  public long getWidth() {
    return width;
  }

  public long getChannels() {
    return channels;
  }

  public CNN2DFormat getFormat() {
    return format;
  }

  @Override
  public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
    if (input.rank() == 4) {
      return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, input);
    }
    if (input.columns() != height * width * channels) {
      throw new IllegalStateException("image rows of " + input.columns() + " values; the network takes " + height
          + "x" + width + "x" + channels + " = " + height * width * channels);
    }
    INDArray rows = input.ordering() == 'c' && org.nd4j.linalg.api.shape.Shape.hasDefaultStridesForShape(input)
        ? input : input.dup('c');
    INDArray out;
    if (format == CNN2DFormat.NHWC) {
      out = rows.reshape('c', rows.size(0), height, width, channels);
    } else if (channels == 1) {
      // One channel: channels first and last are the same order, a view.
      out = rows.reshape('c', rows.size(0), 1, height, width);
    } else {
      out = rows.reshape('c', rows.size(0), height, width, channels).permute(0, 3, 1, 2).dup('c');
    }
    return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, out);
  }

  @Override
  public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
    INDArray hwc = format == CNN2DFormat.NHWC || channels == 1 ? output : output.permute(0, 2, 3, 1);
    INDArray rows = hwc.dup('c').reshape('c', hwc.size(0), height * width * channels);
    return workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, rows);
  }

  @Override
  public ImageInput clone() {
    return new ImageInput(height, width, channels, format);
  }

  @Override
  public InputType getOutputType(InputType inputType) {
    return InputType.convolutional(height, width, channels, format);
  }

  @Override
  public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState,
      int minibatchSize) {
    return new Pair<>(maskArray, currentMaskState);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageInput i && i.height == height && i.width == width && i.channels == channels
        && i.format == format;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(height, width, channels, format);
  }

  @Override
  public String toString() {
    return "ImageInput(" + height + "x" + width + "x" + channels + " -> " + format + ")";
  }
}
