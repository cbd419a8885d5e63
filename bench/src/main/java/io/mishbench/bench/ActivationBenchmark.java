package io.mishbench.bench;

import io.mishbench.activation.ActivationRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationMish;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times forward plus backward of mishbench's activations next to DL4J's built-in ones on one large
 * float32 array, the way a layer calls them: getActivation on a fresh copy of the input, then
 * backprop on another fresh copy with an epsilon array. Candidates take turns within each repeat,
 * so machine noise hits them alike; each keeps its fastest repeat.
 */
public final class ActivationBenchmark {

  /** One candidate's best times. */
  public record Result(String implementation, String activation, long elements, double forwardMs,
      double backwardMs) {

    public double totalMs() {
      return forwardMs + backwardMs;
    }

    /** Elements through forward and backward per second. */
    public double elementsPerSecond() {
      return elements / (totalMs() / 1000);
    }
  }

  private ActivationBenchmark() {}

  /** mishbench's four activations and DL4J's four, in the order they are reported. */
  public static Map<String, IActivation> candidates() {
    Map<String, IActivation> c = new LinkedHashMap<>();
    for (String name : List.of("mish", "swish", "leakyrelu", "relu")) {
      c.put("mishbench " + name, ActivationRegistry.parse(name).create());
    }
    c.put("dl4j mish", new ActivationMish());
    c.put("dl4j swish", new ActivationSwish());
    c.put("dl4j leakyrelu", new ActivationLReLU(ActivationRegistry.DEFAULT_LEAKY_SLOPE));
    c.put("dl4j relu", new ActivationReLU());
    return c;
  }

  /**
   * Runs the benchmark.
   *
   * @param elements array length (16M in the target)
   * @param repeats timed repeats per candidate, after two untimed ones
   */
  public static List<Result> run(int elements, int repeats) {
    if (elements < 1 || repeats < 1) {
      throw new IllegalArgumentException("--elements and --repeats must be >= 1, got " + elements + " and " + repeats);
    }
    Nd4j.getRandom().setSeed(11);
    INDArray input = Nd4j.rand(DataType.FLOAT, elements).subi(0.5).muli(20); // [-10, 10)
    INDArray eps = Nd4j.rand(DataType.FLOAT, elements);
    INDArray work = Nd4j.create(DataType.FLOAT, elements);
    Map<String, IActivation> candidates = candidates();
    Map<String, double[]> best = new LinkedHashMap<>();
    candidates.keySet().forEach(k -> best.put(k, new double[] {Double.MAX_VALUE, Double.MAX_VALUE}));
    for (int r = -2; r < repeats; r++) {
      for (Map.Entry<String, IActivation> c : candidates.entrySet()) {
        work.assign(input);
        long t0 = System.nanoTime();
        c.getValue().getActivation(work, true);
        long t1 = System.nanoTime();
        work.assign(input);
        long t2 = System.nanoTime();
        c.getValue().backprop(work, eps);
        long t3 = System.nanoTime();
        if (r >= 0) {
          double[] b = best.get(c.getKey());
          b[0] = Math.min(b[0], (t1 - t0) / 1e6);
          b[1] = Math.min(b[1], (t3 - t2) / 1e6);
        }
      }
    }
    List<Result> results = new ArrayList<>();
    best.forEach((key, b) -> {
      String[] parts = key.split(" ");
      results.add(new Result(parts[0], parts[1], elements, b[0], b[1]));
    });
    return results;
  }
}
