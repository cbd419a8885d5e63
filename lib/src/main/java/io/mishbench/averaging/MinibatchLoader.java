package io.mishbench.averaging;

import java.io.IOException;
import java.io.Serializable;
import org.nd4j.linalg.dataset.DataSet;

/** Builds one worker's minibatch on an executor: minibatch {@code index} of {@code worker} in {@code epoch}. */
@FunctionalInterface
public interface MinibatchLoader extends Serializable {
  DataSet load(int epoch, int worker, int index) throws IOException;
}
