package io.mishbench.jobs;

import io.mishbench.model.ModelCounter;
import io.mishbench.model.ModelSpec;
import io.mishbench.model.ModelZoo;
import io.mishbench.averaging.AveragingCostModel;
import io.mishbench.averaging.LinkProbe;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench-cost-model", mixinStandardHelpOptions = true,
    description = "Prints, as a Markdown table, the scaling efficiency that parameter averaging's ring exchange can"
        + " reach for one model on 8, 32 and 128 executors (or --executors) over 10, 25 and 100 Gbit/s links (or --gbit),"
        + " at averaging frequencies 1, 5 and 20 (or --frequencies), from io.mishbench.averaging.AveragingCostModel."
        + " The copy and add rates, a small message's hop and the loopback link are measured in this process;"
        + " a stage's scheduling comes from a measured round anatomy (bench.sh), the executors' training rate is an"
        + " input. --loopback models executors on this machine instead: the link is the measured loopback rate and"
        + " executors beyond --cores share them.")
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
  @Option(names = "--images-per-epoch", defaultValue = "1281167",
      description = "Training images per epoch, over whose rounds the per-epoch costs spread (default: ImageNet's ${DEFAULT-VALUE}).")
  long imagesPerEpoch;
  @Option(names = "--stage-seconds", required = true,
      description = "Scheduling one stage and deserializing its tasks, as a round anatomy measures it (the epoch's"
          + " roundMillis.schedule + roundMillis.taskDeserialize in run.json, times its rounds).")
  double stageSeconds;
  @Option(names = "--hop-seconds",
      description = "One small message from an executor to the next (default: measured here over loopback; a"
          + " datacenter link's is larger).")
  Double hopSeconds;
  @Option(names = "--executors", split = ",", defaultValue = "8,32,128", description = "Executor counts (default: ${DEFAULT-VALUE}).")
  List<Integer> executors;
  @Option(names = "--gbit", split = ",", defaultValue = "10,25,100", description = "Link speeds in Gbit/s (default: ${DEFAULT-VALUE}).")
  List<Double> gbits;
  @Option(names = "--loopback", description = "Executors on this machine: the link is the loopback rate measured here.")
  boolean loopback;
  @Option(names = "--cores", description = "With --loopback: cores the executors share (default: this machine's).")
  Integer cores;
  @Option(names = "--frequencies", split = ",", defaultValue = "1,5,20", description = "Averaging frequencies (default: ${DEFAULT-VALUE}).")
  List<Integer> frequencies;

  @Override
  public Integer call() throws Exception {
    if (updaterState < 0 || !(imagesPerSecond > 0) || batch < 1 || !(stageSeconds >= 0) || imagesPerEpoch < 1
        || (hopSeconds != null && !(hopSeconds >= 0)) || (cores != null && cores < 1)) {
      throw new IllegalArgumentException("--updater-state, --stage-seconds and --hop-seconds must be >= 0;"
          + " --images-per-sec, --batch, --images-per-epoch and --cores > 0");
    }
    ModelSpec spec = new ModelSpec(model, "mish", classes, resolution, 3, 1.0, 1.0);
    long params = ModelCounter.count(ModelZoo.build(spec, 1, new Sgd(0.1), 0),
        InputType.convolutional(resolution, resolution, 3)).params();
    long values = params * (1 + updaterState);
    double copy = copyBytesPerSecond(values);
    double add = LinkProbe.addBytesPerSecond(values);
    LinkProbe.Result link = LinkProbe.measure();
    double hop = hopSeconds != null ? hopSeconds : link.hopSeconds();
    int coreCount = cores != null ? cores : Runtime.getRuntime().availableProcessors();
    AveragingCostModel m = new AveragingCostModel(params, updaterState * params, imagesPerSecond, batch, imagesPerEpoch,
        copy, add, hop, stageSeconds);
    System.out.printf(Locale.ROOT, "%s: %,d parameters + %,d updater values = %.1f MB averaged per round; measured here:"
            + " array copies %.0f MB/s, adds %.0f MB/s, loopback %.2f Gbit/s each way, a hop %.0f us%s;"
            + " stage %.3f s (measured by the anatomy); executor %.0f images/s at batch %d (assumed), %,d images per"
            + " epoch.%n%n",
        model, params, updaterState * params, m.bytesPerRound() / 1e6, copy / 1e6, add / 1e6,
        link.bytesPerSecond() * 8 / 1e9, link.hopSeconds() * 1e6,
        hopSeconds != null ? String.format(Locale.ROOT, " (a hop of %.0f us used)", hop * 1e6) : "", stageSeconds,
        imagesPerSecond, batch, imagesPerEpoch);
    StringBuilder head = new StringBuilder("| executors | link Gbit/s | rounds per epoch F=1 |");
    StringBuilder rule = new StringBuilder("| ---: | ---: | ---: |");
    for (int f : frequencies) {
      head.append(" efficiency F=").append(f).append(" | round s F=").append(f).append(" | beyond compute s F=")
          .append(f).append(" |");
      rule.append(" ---: | ---: | ---: |");
    }
    System.out.println(head);
    System.out.println(rule);
    List<Double> links = loopback ? List.of(link.bytesPerSecond() * 8 / 1e9) : gbits;
    for (int n : executors) {
      double share = loopback ? Math.min(1.0, coreCount / (double) n) : 1.0;
      for (double g : links) {
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %d | %s | %d |", n,
            loopback ? String.format(Locale.ROOT, "loopback %.1f", g) : trim(g), m.round(n, 1, g, share, loopback)
                .roundsPerEpoch()));
        for (int f : frequencies) {
          AveragingCostModel.Round r = m.round(n, f, g, share, loopback);
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
