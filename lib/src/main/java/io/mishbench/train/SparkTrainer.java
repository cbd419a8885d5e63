package io.mishbench.train;

import io.mishbench.data.PreparedDataset;
import io.mishbench.fs.HadoopFiles;
import io.mishbench.data.ShardBatches;
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
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
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
 * <p>Each epoch the executors read and batch their shards ({@link ShardBatches}); a
 * {@link ParameterAveragingTrainingMaster} with an explicit worker count trains them, averaging
 * parameters and updater state (momentum) every {@code averaging-frequency} minibatches; then the
 * validation split is evaluated on the executors (top-1, top-5) and run.json is rewritten with the
 * epoch's metrics. The final model is saved beside it as model.zip.
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
      ModelSpec spec =
          new ModelSpec(cell.model(), cell.activation(), ds.numClasses(), ds.manifest().resolution(),
              ds.manifest().channels(), cfg.width(), cfg.depth());
      ComputationGraph net = new ComputationGraph(ModelZoo.build(spec, cell.seed(), updater(t), t.weightDecay()));
      net.init();
      ParameterAveragingTrainingMaster tm =
          new ParameterAveragingTrainingMaster.Builder(t.workers(), t.batchSizePerWorker())
              .batchSizePerWorker(t.batchSizePerWorker())
              .averagingFrequency(t.averagingFrequency())
              .workerPrefetchNumBatches(2)
              .saveUpdater(true)
              .rddTrainingApproach(RDDTrainingApproach.Direct)
              .repartionData(Repartition.Always)
              .storageLevel(StorageLevel.MEMORY_AND_DISK_SER())
              .rngSeed(cell.seed())
              .build();
      SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, tm);
      sparkNet.setCollectTrainingStats(true);
      for (int epoch = 1; epoch <= t.epochs(); epoch++) {
        int roundsBefore = averagingRounds(sparkNet);
        long start = System.nanoTime();
        var train = ShardBatches.of(sc, ds, "train", t.batchSizePerWorker(), true, cell.seed(), epoch);
        sparkNet.fit(train);
        double seconds = (System.nanoTime() - start) / 1e9;
        Evaluation eval = evaluate(sc, sparkNet, ds, t.evalBatchSize());
        long images = ds.manifest().train().count();
        EpochMetrics m =
            new EpochMetrics(epoch, seconds, images, images / seconds, averagingRounds(sparkNet) - roundsBefore,
                sparkNet.getScore(), eval.accuracy(), eval.topNAccuracy());
        epochs.add(m);
        log.info("run {} epoch {}/{}: {} s, {} img/s, {} averaging rounds, loss {}, val top-1 {} top-5 {}",
            runId, epoch, t.epochs(), String.format("%.1f", seconds), String.format("%.1f", m.imagesPerSecond()),
            m.averagingRounds(), String.format("%.4f", m.score()), String.format("%.4f", m.top1()),
            String.format("%.4f", m.top5()));
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

  private static Evaluation evaluate(JavaSparkContext sc, SparkComputationGraph net, PreparedDataset ds, int batch) {
    var val = ShardBatches.of(sc, ds, "val", batch, false, 0, 0);
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
        provenance, List.copyOf(epochs), last == null ? null : last.top1(), last == null ? null : last.top5(),
        startedAt, status == Status.RUNNING ? null : Instant.now().toString(), error);
  }
}
