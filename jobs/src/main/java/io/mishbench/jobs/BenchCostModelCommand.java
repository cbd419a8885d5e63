package io.mishbench.jobs;

import io.mishbench.model.ModelCounter;
import io.mishbench.model.ModelSpec;
import io.mishbench.model.ModelZoo;
import io.mishbench.train.AveragingCostModel;
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
        + " frequencies 1, 5 and 20 (or --frequencies), from io.mishbench.train.AveragingCostModel. The Kryo codec"
        + " rate of the parameter arrays is measured in this process; the executors' training rate and the fixed"
        + " per-round cost are inputs.")
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
      description = "Per-round cost independent of executors and links (job scheduling, network rebuild), e.g. as"
          + " bench.sh fits it from local train runs.")
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
    double codec = kryoBytesPerSecond(params * (1 + updaterState));
    AveragingCostModel m = new AveragingCostModel(params, updaterState * params, imagesPerSecond, batch, codec, fixedSeconds);
    System.out.printf(Locale.ROOT, "%s: %,d parameters + %,d updater values = %.1f MB per executor per round and direction;"
            + " Kryo codec %.0f MB/s (measured here); executor %.0f images/s at batch %d (assumed); fixed %.2f s per round.%n%n",
        model, params, updaterState * params, m.bytesPerRound() / 1e6, codec / 1e6, imagesPerSecond, batch, fixedSeconds);
    StringBuilder head = new StringBuilder("| executors | link Gbit/s | aggregation (driver + reducers) |");
    StringBuilder rule = new StringBuilder("| ---: | ---: | ---: |");
    for (int f : frequencies) {
      head.append(" efficiency F=").append(f).append(" | round s F=").append(f).append(" |");
      rule.append(" ---: | ---: |");
    }
    System.out.println(head);
    System.out.println(rule);
    for (int n : executors) {
      for (double g : gbits) {
        int k = AveragingCostModel.reducers(n);
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %d | %s | %s |", n, trim(g),
            k == n ? "driver " + n : "driver " + k + " + " + k + " x " + ((n + k - 1) / k)));
        for (int f : frequencies) {
          AveragingCostModel.Round r = m.round(n, f, g);
          row.append(String.format(Locale.ROOT, " %.0f%% | %.2f |", 100 * r.efficiency(), r.total()));
        }
        System.out.println(row);
      }
    }
    return 0;
  }

  private static String trim(double g) {
    return g == Math.rint(g) ? String.valueOf((long) g) : String.valueOf(g);
  }

  /** Serialise plus deserialise one float array of {@code values} with Spark's Kryo and ND4J's registrator: bytes/s of one direction. */
  private static double kryoBytesPerSecond(long values) {
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
}
