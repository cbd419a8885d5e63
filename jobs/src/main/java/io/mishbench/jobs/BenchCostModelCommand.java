package io.mishbench.jobs;

import io.mishbench.model.ModelCounter;
import io.mishbench.model.ModelSpec;
import io.mishbench.model.ModelZoo;
import io.mishbench.averaging.AveragingCostModel;
import io.mishbench.averaging.AveragingMaster;
import io.mishbench.train.SparkSetup;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import scala.reflect.ClassTag$;

@Command(name = "bench-cost-model", mixinStandardHelpOptions = true,
    description = "Prints, as a Markdown table, the scaling efficiency that parameter averaging can reach for one model"
        + " on 8, 32 and 128 executors (or --executors) over 10, 25 and 100 Gbit/s links (or --gbit), at averaging"
        + " frequencies 1, 5 and 20 (or --frequencies), from io.mishbench.averaging.AveragingCostModel. The codec rate"
        + " (ArrayCodec through Spark's Kryo) and the array copy rate are measured in this process; the fixed cost of"
        + " a stage comes from a measured round anatomy (bench.sh), the executors' training rate is an input.")
final class BenchCostModelCommand implements Callable<Integer> {

  @Option(names = "--model", defaultValue = "cspresnext50", description = "Model (default: ${DEFAULT-VALUE}).") String model;
  @Option(names = "--resolution", defaultValue = "224", description = "Input size (default: ${DEFAULT-VALUE}).") int resolution;
  @Option(names = "--classes", defaultValue = "1000", description = "Classes (default: ${DEFAULT-VALUE}).") int classes;
  @Option(names = "--updater-state", defaultValue = "1",
      description = "Updater values per parameter: 1 for sgd/nesterov momentum, 2 for adam (default: ${DEFAULT-VALUE}).")
  int updaterState;
  @Option(names = "--images-per-sec", required = true,
      description = "One executor's training images/s for this model (an assumption for GPUs this project cannot measure).")
  double imagesPerSecond;
  @Option(names = "--batch", defaultValue = "32", description = "Minibatch per executor (default: ${DEFAULT-VALUE}).") int batch;
  @Option(names = "--fixed-seconds", required = true,
      description = "Cost of one Spark stage independent of bytes (scheduling and task deserialization), as a"
          + " round anatomy measures it (roundMillis.schedule + roundMillis.taskDeserialize in run.json).")
  double fixedSeconds;
  @Option(names = "--executors", split = ",", defaultValue = "8,32,128", description = "Executor counts (default: ${DEFAULT-VALUE}).")
  List<Integer> executors;
  @Option(names = "--gbit", split = ",", defaultValue = "10,25,100", description = "Link speeds in Gbit/s (default: ${DEFAULT-VALUE}).")
  List<Double> gbits;
  @Option(names = "--frequencies", split = ",", defaultValue = "1,5,20", description = "Averaging frequencies (default: ${DEFAULT-VALUE}).")
  List<Integer> frequencies;

  @Override
  public Integer call() {
    if (updaterState < 0 || !(imagesPerSecond > 0) || batch < 1 || !(fixedSeconds >= 0)) {
      throw new IllegalArgumentException("--updater-state and --fixed-seconds must be >= 0, --images-per-sec and --batch > 0");
    }
    ModelSpec spec = new ModelSpec(model, "mish", classes, resolution, 3, 1.0, 1.0);
    long params = ModelCounter.count(ModelZoo.build(spec, 1, new Sgd(0.1), 0),
        InputType.convolutional(resolution, resolution, 3)).params();
    long values = params * (1 + updaterState);
    double codec = codecBytesPerSecond(values);
    double copy = copyBytesPerSecond(values);
    AveragingCostModel m =
        new AveragingCostModel(params, updaterState * params, imagesPerSecond, batch, codec, copy, fixedSeconds);
    System.out.printf(Locale.ROOT, "%s: %,d parameters + %,d updater values = %.1f MB per executor per round and direction;"
            + " codec %.0f MB/s and array copies %.0f MB/s (measured here); executor %.0f images/s at batch %d (assumed);"
            + " fixed %.3f s per stage (measured).%n%n",
        model, params, updaterState * params, m.bytesPerRound() / 1e6, codec / 1e6, copy / 1e6, imagesPerSecond, batch,
        fixedSeconds);
    StringBuilder head = new StringBuilder("| executors | link Gbit/s | aggregation |");
    StringBuilder rule = new StringBuilder("| ---: | ---: | ---: |");
    for (int f : frequencies) {
      head.append(" efficiency F=").append(f).append(" | round s F=").append(f).append(" | beyond compute s F=")
          .append(f).append(" |");
      rule.append(" ---: | ---: | ---: |");
    }
    System.out.println(head);
    System.out.println(rule);
    for (int n : executors) {
      for (double g : gbits) {
        int k = AveragingCostModel.reducers(n);
        boolean direct = new AveragingMaster.Options(n, 1).depth() == 1;
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %d | %s | %s |", n, trim(g),
            direct ? "driver " + n : "driver " + k + " + " + k + " x " + ((n + k - 1) / k)));
        for (int f : frequencies) {
          AveragingCostModel.Round r = m.round(n, f, g);
          row.append(String.format(Locale.ROOT, " %.0f%% | %.3f | %.3f |", 100 * r.efficiency(), r.total(), r.overhead()));
        }
        System.out.println(row);
      }
    }
    return 0;
  }

  private static String trim(double g) {
    return g == Math.rint(g) ? String.valueOf((long) g) : String.valueOf(g);
  }

  /** ArrayCodec through Spark's Kryo: bytes/s of one direction (serialize and deserialize timed together, best of 3). */
  private static double codecBytesPerSecond(long values) {
    SparkConf conf = SparkSetup.withDefaults(new SparkConf());
    SerializerInstance kryo = new KryoSerializer(conf).newInstance();
    INDArray a = Nd4j.rand(DataType.FLOAT, values);
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      ByteBuffer b = kryo.serialize(a, ClassTag$.MODULE$.apply(INDArray.class));
      INDArray back = kryo.deserialize(b, ClassTag$.MODULE$.apply(INDArray.class));
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
      if (back.length() != values) {
        throw new IllegalStateException("Kryo returned " + back.length() + " values of " + values);
      }
    }
    return 2 * 4.0 * values / best; // two passes over the bytes
  }

  /** ND4J's assign of one float array into another of the same shape (a round's in-place state copy), best of 3. */
  private static double copyBytesPerSecond(long values) {
    INDArray from = Nd4j.rand(DataType.FLOAT, values);
    INDArray to = Nd4j.createUninitialized(DataType.FLOAT, values);
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      to.assign(from);
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
    }
    return 4.0 * values / best;
  }
}
