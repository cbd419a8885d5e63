package io.mishbench.model;

import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Channels {@code from..to} (inclusive) of an image activation: DL4J's {@link SubsetVertex}, whose
 * output type for images in 1.0.0-M2.1 reports {@code from - to + 1} channels (0 or negative), so
 * the convolution behind it would be built with no input channels. Only the type is corrected; the
 * slicing is SubsetVertex's own.
 */
public class ChannelSlice extends SubsetVertex {

  private static final long serialVersionUID = 1L;

  public ChannelSlice(@JsonProperty("from") int from, @JsonProperty("to") int to) {
    super(from, to);
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType... inputs) {
    if (inputs.length == 1 && inputs[0] instanceof InputType.InputTypeConvolutional c) {
      if (getTo() >= c.getChannels() || getFrom() < 0 || getFrom() > getTo()) {
        throw new IllegalArgumentException("channels " + getFrom() + ".." + getTo() + " of an input with "
            + c.getChannels() + " channels");
      }
      return InputType.convolutional(c.getHeight(), c.getWidth(), getTo() - getFrom() + 1, c.getFormat());
    }
    return super.getOutputType(layerIndex, inputs);
  }

  @Override
  public ChannelSlice clone() {
    return new ChannelSlice(getFrom(), getTo());
  }
}
