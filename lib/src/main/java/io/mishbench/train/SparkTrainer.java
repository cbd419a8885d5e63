package io.mishbench.train;

import io.mishbench.data.AugmentSettings;
import io.mishbench.data.PreparedDataset;
import io.mishbench.data.ShardBatches;
import io.mishbench.fs.HadoopFiles;
import io.mishbench.model.ModelSpec;
import io.mishbench.model.ModelZoo;
import io.mishbench.results.Provenance;
import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunIds;
import io.mishbench.results.RunResult;
import io.mishbench.results.RunResult.EpochMetrics;
import io.mishbench.results.RunResult.Status;
import io.mishbench.train.ExperimentConfig.Cell;
import io.mishbench.train.ExperimentConfig.Training;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.stats.CommonSparkTrainingStats;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.stats.EventStats;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one run on Spark with DL4J parameter averaging and records it in the results store.
 *
 * <p>Each epoch the driver plans which worker trains which images ({@link io.mishbench.data.EpochPlan})
 * and sends each worker only its minibatch coordinates; the executors read their shards, decode and
 * augment the images on DL4J's prefetch thread ({@link ShardBatches.TrainLoader}) and a
 * {@link ParameterAveragingTrainingMaster} with an explicit worker count trains them, averaging
 * parameters and updater state (momentum) every {@code averaging-frequency} minibatches. Then the
 * validation split is evaluated on the executors (top-1, top-5) and run.json is rewritten with the
 * epoch's metrics, including the share of the workers' time spent waiting for data. The final model
 * is saved beside it as model.zip.
 */
public final class SparkTrainer {

  private static final Logger log = LoggerFactory.getLogger(SparkTrainer.class);

  private SparkTrainer() {}

  /** The settings that change a run's outcome, flat, as recorded in run.json and hashed into its id. */
  public static Map<String, Object> settings(ExperimentConfig cfg, Cell cell, PreparedDataset ds) {
    Training t = cfg.training();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("dataset", ds.root().toString());
    s.put("dataset.created", ds.manifest().createdAt());
    s.put("model", cell.model());
    s.put("activation", cell.activation());
    s.put("augmentation", cell.augmentation());
    cfg.augmentSettings(cell).asMap().forEach((k, v) -> s.put("augmentation." + k, v));
    s.put("resolution", resolution(cfg, ds));
    s.put("seed", cell.seed());
    s.put("width", cfg.width());
    s.put("depth", cfg.depth());
    s.put("training.epochs", t.epochs());
    s.put("training.workers", t.workers());
    s.put("training.batch-size-per-worker", t.batchSizePerWorker());
    s.put("training.averaging-frequency", t.averagingFrequency());
    s.put("training.optimizer", t.optimizer());
    s.put("training.learning-rate", t.learningRate());
    s.put("training.momentum", t.momentum());
    s.put("training.weight-decay", t.weightDecay());
    return s;
  }

  /** The training input size: the config's {@code resolution}, or the prepared image size when it is 0. */
  static int resolution(ExperimentConfig cfg, PreparedDataset ds) {
    return cfg.inputResolution(ds.manifest().resolution());
  }

  /** The id {@link #run} will record {@code cell} under. */
  public static String runId(ExperimentConfig cfg, Cell cell, PreparedDataset ds) {
    return RunIds.of(cell.model(), cell.activation(), cell.augmentation(), cell.seed(), settings(cfg, cell, ds));
  }

  /** Trains {@code cell}; the returned record is COMPLETE (a failure is recorded as FAILED, then thrown). */
  public static RunResult run(JavaSparkContext sc, ExperimentConfig cfg, Cell cell, PreparedDataset ds, ResultsStore store) {
    Training t = cfg.training();
    Map<String, Object> settings = settings(cfg, cell, ds);
    String runId = runId(cfg, cell, ds);
    Map<String, String> provenance =
        Provenance.collect(Map.of(
            "spark.master", sc.master(),
            "spark.default.parallelism", String.valueOf(sc.defaultParallelism()),
            "spark.app.id", sc.sc().applicationId()));
    String startedAt = Instant.now().toString();
    List<EpochMetrics> epochs = new ArrayList<>();
    store.write(result(runId, Status.RUNNING, cell, settings, provenance, epochs, startedAt, null));
    log.info("run {}: {} with {} on {} ({} train / {} val images), {} workers x batch {}, averaging every {}",
        runId, cell.model(), cell.activation(), ds.root(), ds.manifest().train().count(),
        ds.manifest().val().count(), t.workers(), t.batchSizePerWorker(), t.averagingFrequency());
    try {
      int resolution = resolution(cfg, ds);
      AugmentSettings augment = cfg.augmentSettings(cell);
      ModelSpec spec =
          new ModelSpec(cell.model(), cell.activation(), ds.numClasses(), resolution, ds.manifest().channels(),
              cfg.width(), cfg.depth());
      ShardBatches.TrainLoader loader =
          new ShardBatches.TrainLoader(ds, t.workers(), t.batchSizePerWorker(), cell.seed(), resolution, augment,
              sc.hadoopConfiguration());
      ComputationGraph net = new ComputationGraph(ModelZoo.build(spec, cell.seed(), updater(t), t.weightDecay()));
      net.init();
      ParameterAveragingTrainingMaster tm =
          new ParameterAveragingTrainingMaster.Builder(t.workers(), t.batchSizePerWorker())
              .batchSizePerWorker(t.batchSizePerWorker())
              .averagingFrequency(t.averagingFrequency())
              .workerPrefetchNumBatches(2)
              .saveUpdater(true)
              // one partition per worker already (ShardBatches.trainPaths): moving minibatches would
              // break the plan's locality and its even shares
              .repartionData(Repartition.NumPartitionsWorkersDiffers)
              .rngSeed(cell.seed())
              .build();
      SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, tm);
      sparkNet.setCollectTrainingStats(true);
      for (int epoch = 1; epoch <= t.epochs(); epoch++) {
        int roundsBefore = averagingRounds(sparkNet);
        WorkerTimes timesBefore = WorkerTimes.of(sparkNet);
        long start = System.nanoTime();
        sparkNet.fitPaths(ShardBatches.trainPaths(sc, loader, epoch), loader);
        double seconds = (System.nanoTime() - start) / 1e9;
        WorkerTimes times = WorkerTimes.of(sparkNet).minus(timesBefore);
        Evaluation eval = evaluate(sc, sparkNet, ds, t.evalBatchSize(), resolution);
        long images = ds.manifest().train().count();
        EpochMetrics m =
            new EpochMetrics(epoch, seconds, images, images / seconds, averagingRounds(sparkNet) - roundsBefore,
                sparkNet.getScore(), t.learningRate(), eval.accuracy(), eval.topNAccuracy(), null, 0, seconds,
                Double.isNaN(times.waitShare()) ? null : times.waitShare());
        epochs.add(m);
        log.info("run {} epoch {}/{}: {} s, {} img/s, {} averaging rounds, waiting for data {}% of worker time,"
                + " loss {}, val top-1 {} top-5 {}",
            runId, epoch, t.epochs(), String.format("%.1f", seconds), String.format("%.1f", m.imagesPerSecond()),
            m.averagingRounds(), String.format("%.2f", 100 * times.waitShare()), String.format("%.4f", m.score()),
            String.format("%.4f", m.top1()), String.format("%.4f", m.top5()));
        store.write(result(runId, Status.RUNNING, cell, settings, provenance, epochs, startedAt, null));
      }
      saveModel(sparkNet.getNetwork(), store, runId, sc);
      RunResult done = result(runId, Status.COMPLETE, cell, settings, provenance, epochs, startedAt, null);
      store.write(done);
      return done;
    } catch (RuntimeException e) {
      store.write(result(runId, Status.FAILED, cell, settings, provenance, epochs, startedAt, String.valueOf(e)));
      throw e;
    }
  }

  private static Evaluation evaluate(
      JavaSparkContext sc, SparkComputationGraph net, PreparedDataset ds, int batch, int resolution) {
    var val = ShardBatches.eval(sc, ds, batch, resolution);
    return net.doEvaluation(val, new Evaluation(ds.manifest().classes(), 5), batch);
  }

  /** Parameter averagings so far: one aggregation per data split, as DL4J's training stats count them. */
  static int averagingRounds(SparkComputationGraph net) {
    SparkTrainingStats stats = net.getSparkTrainingStats();
    if (stats == null
        || !stats.getKeySet().contains(ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_AGGREGATE_TIMES_MS)) {
      return 0;
    }
    return stats.getValue(ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_AGGREGATE_TIMES_MS).size();
  }

  /**
   * DL4J's cumulative worker timings (ms): whole worker tasks, fetching the initial model, and
   * fitting minibatches. What is left of a task after the model fetch and the fitting is time the
   * worker waited for its next minibatch (DL4J's own "get time" misses it: its prefetching iterator
   * blocks in hasNext()), plus the loop's own small overhead, so {@link #waitShare} is an upper bound.
   */
  record WorkerTimes(long totalMs, long initialModelMs, long fitMs) {

    static WorkerTimes of(SparkComputationGraph net) {
      SparkTrainingStats s = net.getSparkTrainingStats();
      return new WorkerTimes(
          sum(s, CommonSparkTrainingStats.WORKER_FLAT_MAP_TOTAL_TIME_MS),
          sum(s, CommonSparkTrainingStats.WORKER_FLAT_MAP_GET_INITIAL_MODEL_TIME_MS),
          sum(s, CommonSparkTrainingStats.WORKER_FLAT_MAP_PROCESS_MINI_BATCH_TIMES_MS));
    }

    private static long sum(SparkTrainingStats s, String key) {
      if (s == null || !s.getKeySet().contains(key)) {
        return 0;
      }
      return s.getValue(key).stream().mapToLong(EventStats::getDurationMs).sum();
    }

    WorkerTimes minus(WorkerTimes before) {
      return new WorkerTimes(totalMs - before.totalMs, initialModelMs - before.initialModelMs, fitMs - before.fitMs);
    }

    /** The share of the workers' training loop spent not fitting: waiting for data. NaN without stats. */
    double waitShare() {
      long loop = totalMs - initialModelMs;
      return loop <= 0 ? Double.NaN : Math.max(0, loop - fitMs) / (double) loop;
    }
  }

  static IUpdater updater(Training t) {
    return switch (t.optimizer()) {
      case "sgd" -> new Nesterovs(t.learningRate(), t.momentum());
      case "adam" -> new Adam(t.learningRate());
      default -> throw new IllegalArgumentException("unknown optimizer " + t.optimizer());
    };
  }

  private static void saveModel(ComputationGraph net, ResultsStore store, String runId, JavaSparkContext sc) {
    URI target = HadoopFiles.child(store.runDir(runId), "model.zip");
    try {
      HadoopFiles.writeAtomically(target, sc.hadoopConfiguration(), out -> ModelSerializer.writeModel(net, out, true));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save model to " + target + ": " + e.getMessage(), e);
    }
  }

  private static RunResult result(
      String runId, Status status, Cell cell, Map<String, Object> settings, Map<String, String> provenance,
      List<EpochMetrics> epochs, String startedAt, String error) {
    EpochMetrics last = status == Status.COMPLETE ? epochs.get(epochs.size() - 1) : null;
    return new RunResult(runId, status, cell.model(), cell.activation(), cell.augmentation(), cell.seed(), settings,
        provenance, List.copyOf(epochs), last == null ? null : last.top1(), last == null ? null : last.top5(), null,
        startedAt, status == Status.RUNNING ? null : Instant.now().toString(), error, null, null, null, null, null,
        null, 1);
  }
}
