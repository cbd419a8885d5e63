package io.mishbench.bench;

import io.mishbench.data.PreparedDataset;
import io.mishbench.data.ShardBatches;
import io.mishbench.model.ModelSpec;
import io.mishbench.model.ModelZoo;
import io.mishbench.train.ExperimentConfig.Cell;
import io.mishbench.train.ExperimentConfig.Training;
import io.mishbench.train.ExperimentConfig;
import io.mishbench.train.LearningRateSchedule;
import io.mishbench.train.SparkTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.datasets.iterator.AsyncDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * One cell of an experiment trained the plain way: one process, no Spark, one DL4J
 * {@link ComputationGraph#fit} per minibatch, the minibatches loaded on a prefetch thread (DL4J's
 * {@link AsyncDataSetIterator}, 2 ahead, as the Spark workers' prefetch). The network, updater, schedule,
 * minibatch size ({@code batch-size-per-worker}), augmentation and images per epoch are the ones
 * {@link SparkTrainer} uses for the same config, so the two epoch times differ by what Spark and
 * parameter averaging add (or, with several workers on several cores, save). No evaluation, no
 * results store: this is the baseline of {@code bench.sh}'s Spark-overhead table.
 */
public final class LocalFit {

  /** One trained epoch: its minibatches and images, and the seconds spent fitting and loading them. */
  public record Epoch(int epoch, int minibatches, long images, double seconds, double score) {
    public double imagesPerSecond() {
      return images / seconds;
    }
  }

  private LocalFit() {}

  /**
   * Trains {@code cell} for the config's epochs and returns each epoch's timing ({@code progress} sees
   * each as it ends). The epoch's images are the whole training split, as one worker of
   * {@link io.mishbench.data.EpochPlan} with a single worker plans them.
   */
  public static List<Epoch> run(ExperimentConfig cfg, Cell cell, PreparedDataset ds, Configuration conf,
      Consumer<Epoch> progress) {
    Training t = cfg.training();
    int resolution = cfg.inputResolution(ds.manifest().resolution());
    ShardBatches.TrainLoader loader = new ShardBatches.TrainLoader(ds, 1, t.batchSizePerWorker(), cell.seed(),
        resolution, cfg.augmentSettings(cell), conf);
    long minibatches = ShardBatches.maxMinibatchesPerWorker(ds, 1, t.batchSizePerWorker());
    LearningRateSchedule schedule = t.schedule().build(t.learningRate(), minibatches, t.epochs());
    ModelSpec spec = new ModelSpec(cell.model(), cell.activation(), ds.numClasses(), resolution,
        ds.manifest().channels(), cfg.width(), cfg.depth());
    ComputationGraph net =
        new ComputationGraph(ModelZoo.build(spec, cell.seed(), SparkTrainer.updater(t, schedule), t.weightDecay()));
    net.init();
    List<Epoch> epochs = new ArrayList<>();
    for (int epoch = 1; epoch <= t.epochs(); epoch++) {
      long start = System.nanoTime();
      int batches = 0;
      long images = 0;
      DataSetIterator it = new AsyncDataSetIterator(new PlannedBatches(loader, epoch, (int) minibatches), 2);
      try {
        while (it.hasNext()) {
          DataSet d = it.next();
          net.fit(d);
          batches++;
          images += d.numExamples();
        }
      } finally {
        if (it instanceof AsyncDataSetIterator a) {
          a.shutdown();
        }
      }
      Epoch e = new Epoch(epoch, batches, images, (System.nanoTime() - start) / 1e9, net.score());
      epochs.add(e);
      progress.accept(e);
    }
    return epochs;
  }

  /** Worker 0's minibatches of one epoch, loaded (decoded, augmented) when asked for. */
  private static final class PlannedBatches implements DataSetIterator {

    private static final long serialVersionUID = 1L;

    private final ShardBatches.TrainLoader loader;
    private final int epoch;
    private final int count;
    private int next;

    PlannedBatches(ShardBatches.TrainLoader loader, int epoch, int count) {
      this.loader = loader;
      this.epoch = epoch;
      this.count = count;
    }

    @Override
    public boolean hasNext() {
      return next < count;
    }

    @Override
    public DataSet next() {
      try {
        return loader.load(epoch, 0, next++);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public DataSet next(int num) {
      return next();
    }

    @Override
    public int inputColumns() {
      return -1;
    }

    @Override
    public int totalOutcomes() {
      return -1;
    }

    @Override
    public boolean resetSupported() {
      return false;
    }

    @Override
    public boolean asyncSupported() {
      return true;
    }

    @Override
    public void reset() {
      throw new UnsupportedOperationException("one epoch's minibatches are read once");
    }

    @Override
    public int batch() {
      return -1;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
      throw new UnsupportedOperationException();
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
      return null;
    }

    @Override
    public List<String> getLabels() {
      return null;
    }
  }
}
