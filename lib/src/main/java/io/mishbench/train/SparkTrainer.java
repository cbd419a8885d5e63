package io.mishbench.train;

import io.mishbench.averaging.AveragingMaster;
import io.mishbench.data.PreparedDataset;
import io.mishbench.data.ShardBatches;
import io.mishbench.model.ModelSpec;
import io.mishbench.model.ModelZoo;
import io.mishbench.results.Checkpoints;
import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunIds;
import io.mishbench.results.RunRecorder;
import io.mishbench.results.RunResult.Divergence;
import io.mishbench.results.RunResult.EpochMetrics;
import io.mishbench.results.RunResult;
import io.mishbench.train.ExperimentConfig.Cell;
import io.mishbench.train.ExperimentConfig.Training;
import java.net.URI;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.evaluation.IEvaluation;
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

  /** System property: build every worker's network afresh each round (DL4J's way), for comparisons. */
  public static final String FRESH_NETWORKS_PROPERTY = "mishbench.averaging.fresh-networks";

  /**
   * System property: how the averaging state travels, {@code auto} (default), {@code memory} (local mode
   * only), {@code ring} or {@code spark} ({@link AveragingMaster.Exchange}); for comparisons.
   */
  public static final String EXCHANGE_PROPERTY = "mishbench.averaging.exchange";

  private static final Logger log = LoggerFactory.getLogger(SparkTrainer.class);

  private SparkTrainer() {}

  /**
   * Components of {@link Training} that do not change the trained network, left out of run ids: how the
   * validation is batched, how often it runs, and the time-to-accuracy target (they change only what is
   * measured). {@code schedule} is recorded in a form of its own ({@link #settings}).
   */
  public static final Set<String> TRAINING_NOT_IN_RUN_ID = Set.of("eval-batch-size", "eval-every", "target-top1");

  /** The settings that change a run's outcome, flat, as recorded in run.json and hashed into its id. */
  public static Map<String, Object> settings(ExperimentConfig cfg, Cell cell, PreparedDataset ds) {
    return settings(cfg, cell, ds.root(), ds.manifest().createdAt(), ds.manifest().resolution());
  }

  /**
   * {@link #settings(ExperimentConfig, Cell, PreparedDataset)} of a dataset at {@code datasetRoot}, created at
   * {@code datasetCreated}, with images prepared at {@code preparedResolution}: the cell, the dataset, the
   * cell's augmentation preset, the scale, the resolution, and every component of {@link Training} but
   * {@link #TRAINING_NOT_IN_RUN_ID} (derived from the record: a component added there changes run ids).
   */
  public static Map<String, Object> settings(
      ExperimentConfig cfg, Cell cell, URI datasetRoot, String datasetCreated, int preparedResolution) {
    Training t = cfg.training();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("dataset", datasetRoot.toString());
    s.put("dataset.created", datasetCreated);
    s.put("model", cell.model());
    s.put("activation", cell.activation());
    s.put("augmentation", cell.augmentation());
    cfg.augmentSettings(cell).asMap().forEach((k, v) -> s.put("augmentation." + k, v));
    s.put("resolution", cfg.inputResolution(preparedResolution));
    s.put("seed", cell.seed());
    s.put("width", cfg.width());
    s.put("depth", cfg.depth());
    Set<String> leftOut = new HashSet<>(TRAINING_NOT_IN_RUN_ID);
    leftOut.add("schedule");
    s.putAll(RunIds.settingsOf("training.", t, leftOut));
    // the schedule in the form run ids have always hashed: only the keys its kind reads
    ExperimentConfig.Schedule sch = t.schedule();
    s.put("training.lr-schedule", sch.kind());
    s.put("training.lr-schedule.warmup", sch.warmupSteps() + "^" + sch.warmupPower());
    switch (sch.kind()) {
      case "step" -> s.put("training.lr-schedule.step", sch.milestones() + " x " + sch.gamma());
      case "cosine" -> s.put("training.lr-schedule.min", sch.min());
      case "poly" -> s.put("training.lr-schedule.power", sch.power());
      default -> { }
    }
    return s;
  }

  /** The training input size: the config's {@code resolution}, or the prepared image size when it is 0. */
  static int resolution(ExperimentConfig cfg, PreparedDataset ds) {
    return cfg.inputResolution(ds.manifest().resolution());
  }

  /** What {@link #run} records {@code cell} as. */
  static RunRecorder.Identity identity(ExperimentConfig cfg, Cell cell, PreparedDataset ds) {
    return new RunRecorder.Identity(cell.model(), cell.activation(), cell.augmentation(), cell.seed(),
        settings(cfg, cell, ds));
  }

  /** The id {@link #run} will record {@code cell} under. */
  public static String runId(ExperimentConfig cfg, Cell cell, PreparedDataset ds) {
    return identity(cfg, cell, ds).runId();
  }

  /** {@link #run(JavaSparkContext, ExperimentConfig, Cell, PreparedDataset, ResultsStore, RunProgress)} silently. */
  public static RunResult run(JavaSparkContext sc, ExperimentConfig cfg, Cell cell, PreparedDataset ds, ResultsStore store) {
    return run(sc, cfg, cell, ds, store, RunProgress.NONE);
  }

  /**
   * Trains {@code cell} to its end, resuming from its checkpoint when an earlier attempt was interrupted.
   * A run already COMPLETE or DIVERGED is returned as recorded, untouched; a corrupt run.json is moved
   * aside and the run starts over. The returned record is COMPLETE or DIVERGED; a failure is recorded
   * as FAILED (its checkpoint kept, so a rerun resumes) and then thrown.
   */
  public static RunResult run(
      JavaSparkContext sc, ExperimentConfig cfg, Cell cell, PreparedDataset ds, ResultsStore store,
      RunProgress progress) {
    Training t = cfg.training();
    Checkpoints checkpoints = new Checkpoints(store, sc.hadoopConfiguration());
    RunRecorder record = RunRecorder.open(store, checkpoints, identity(cfg, cell, ds), t.target(), false, log::warn);
    String runId = record.runId();
    if (record.finished() != null) {
      log.info("run {} is already {}: nothing to train", runId, record.finished().status());
      return record.finished();
    }
    Checkpoints.State resume = checkpoints.read(runId).orElse(null);
    record.start(resume, SparkLayout.of(sc), List.of("spark.app.id"));
    long minibatches = ShardBatches.maxMinibatchesPerWorker(ds, t.workers(), t.batchSizePerWorker());
    LearningRateSchedule schedule = t.schedule().build(
        t.learningRate(), LearningRateSchedule.stepsPerEpoch(minibatches, t.averagingFrequency()), t.epochs());
    log.info("run {} (attempt {}): {} with {} on {} ({} train / {} val images), {} workers x batch {}, averaging"
            + " every {}, {}{}",
        runId, record.attempts(), cell.model(), cell.activation(), ds.root(), ds.manifest().train().count(),
        ds.manifest().val().count(), t.workers(), t.batchSizePerWorker(), t.averagingFrequency(), schedule,
        resume == null ? "" : ", resuming after epoch " + resume.epoch());
    try {
      int resolution = resolution(cfg, ds);
      ShardBatches.TrainLoader loader =
          new ShardBatches.TrainLoader(ds, t.workers(), t.batchSizePerWorker(), cell.seed(), resolution,
              cfg.augmentSettings(cell), sc.hadoopConfiguration());
      ComputationGraph net;
      if (resume != null) {
        net = checkpoints.restore(resume);
      } else {
        ModelSpec spec = new ModelSpec(cell.model(), cell.activation(), ds.numClasses(), resolution,
            ds.manifest().channels(), cfg.width(), cfg.depth());
        net = new ComputationGraph(ModelZoo.build(spec, cell.seed(), updater(t, schedule), t.weightDecay()));
        net.init();
      }
      AveragingMaster.Options options = new AveragingMaster.Options(t.workers(), t.averagingFrequency(),
          !Boolean.getBoolean(FRESH_NETWORKS_PROPERTY), 0,
          AveragingMaster.Exchange.parse(System.getProperty(EXCHANGE_PROPERTY, "auto")));
      // evaluation only: DL4J's distributed evaluation; training goes through AveragingMaster
      SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, evaluationMaster(t, cell.seed()));
      long roundsPerEpoch = (minibatches + t.averagingFrequency() - 1) / t.averagingFrequency();
      long imagesPerRound = (long) t.workers() * t.batchSizePerWorker() * t.averagingFrequency();
      try (AveragingMaster master = new AveragingMaster(sc, net, loader::load, options);
          TrainingProgress watch = TrainingProgress.forRun(sc.getConf(), cell, progress)) {
        for (int epoch = record.epochsDone() + 1; epoch <= t.epochs(); epoch++) {
          watch.onEpochStart(epoch, t.epochs(), roundsPerEpoch, ds.manifest().train().count(), imagesPerRound);
          long start = System.nanoTime();
          AveragingMaster.Epoch fitted = master.fitEpoch(epoch, loader.minibatchesPerWorker(epoch),
              (done, total, loss) -> watch.onRound(done, loss));
          if (fitted.diverged()) {
            return diverged(record, new Divergence(epoch, fitted.divergedStep(), fitted.divergedLoss()));
          }
          double trainSeconds = (System.nanoTime() - start) / 1e9;
          double score = fitted.score();
          // a worker sees a loss computed before its minibatch's update: an update in an epoch's last
          // steps can still leave non-finite weights behind, which the averaged parameters then show
          double weights = net.params().sumNumber().doubleValue();
          if (!Double.isFinite(score) || !Double.isFinite(weights)) {
            long step = net.getConfiguration().getIterationCount();
            return diverged(record, new Divergence(epoch, step,
                String.valueOf(Double.isFinite(score) ? weights : score)));
          }
          long evalStart = System.nanoTime();
          long images = ds.manifest().train().count();
          Evaluated eval;
          try {
            eval = t.evaluates(epoch) ? evaluate(sc, sparkNet, ds, t.evalBatchSize(), resolution) : null;
          } catch (Exception e) {
            if (!nanPredictions(e)) {
              throw unchecked(e);
            }
            // finite weights can still overflow at inference, where batch norm uses its running statistics; the
            // epoch's training is kept in the record (its measurements are real), without an evaluation
            EpochMetrics trained = epochMetrics(epoch, trainSeconds, images, fitted, schedule.atEndOfEpoch(epoch), null, 0);
            long step = sparkNet.getNetwork().getConfiguration().getIterationCount();
            return diverged(record, new Divergence(epoch, step, "NaN"), trained);
          }
          double evalSeconds = eval == null ? 0 : (System.nanoTime() - evalStart) / 1e9;
          EpochMetrics m = epochMetrics(epoch, trainSeconds, images, fitted, schedule.atEndOfEpoch(epoch), eval,
              evalSeconds);
          watch.onEpochEnd(m.imagesPerSecond(), score, fitted.dataWaitShare(), eval == null ? Double.NaN : eval.top1());
          RunResult now = record.epoch(m, net);
          log.info("run {} epoch {}/{}: {} s, {} img/s, {} averaging rounds ({} ms each, {} ms of it fitting), waiting"
                  + " for data {}% of worker time, loss {}, lr {}{}",
              runId, epoch, t.epochs(), String.format("%.1f", trainSeconds), String.format("%.1f", m.imagesPerSecond()),
              m.averagingRounds(), fitted.roundMillis().get("round"), fitted.roundMillis().get("fit"),
              String.format("%.2f", 100 * fitted.dataWaitShare()), String.format("%.4f", score),
              String.format("%.3g", m.learningRate()),
              eval == null ? "" : String.format(", val top-1 %.4f top-5 %.4f loss %.4f", eval.top1(), eval.top5(),
                  eval.loss()));
          progress.epochDone(now, t.epochs());
        }
      }
      record.saveModel(out -> ModelSerializer.writeModel(net, out, true));
      return record.complete();
    } catch (Exception e) {
      throw record.failed(e);
    }
  }

  /** One epoch's record: its training figures, and its evaluation when there was one. */
  private static EpochMetrics epochMetrics(int epoch, double trainSeconds, long images, AveragingMaster.Epoch fitted,
      double learningRate, Evaluated eval, double evalSeconds) {
    return new EpochMetrics(epoch, trainSeconds, images, images / trainSeconds, fitted.rounds(), fitted.score(),
        learningRate, eval == null ? null : eval.top1(), eval == null ? null : eval.top5(),
        eval == null ? null : eval.loss(), evalSeconds, 0,
        Double.isNaN(fitted.dataWaitShare()) ? null : fitted.dataWaitShare(), fitted.roundMillis());
  }

  /** {@code e} itself when unchecked, else wrapped: Spark throws its checked SparkException undeclared. */
  static RuntimeException unchecked(Exception e) {
    return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
  }

  private static RunResult diverged(RunRecorder record, Divergence d) {
    return diverged(record, d, null);
  }

  /** Records the divergence, with the epoch whose training finished but whose evaluation did not, if any. */
  private static RunResult diverged(RunRecorder record, Divergence d, EpochMetrics trainedEpoch) {
    log.warn("run {} diverged: loss {} in epoch {} at step {}", record.runId(), d.loss(), d.epoch(), d.step());
    return trainedEpoch == null ? record.diverged(d) : record.diverged(d, trainedEpoch);
  }

  /**
   * The training master DL4J's {@link SparkComputationGraph} requires; mishbench evaluates through it
   * and trains with {@link AveragingMaster}.
   */
  private static ParameterAveragingTrainingMaster evaluationMaster(Training t, long seed) {
    return new ParameterAveragingTrainingMaster.Builder(t.workers(), t.batchSizePerWorker())
        .batchSizePerWorker(t.batchSizePerWorker())
        .rngSeed(seed)
        .build();
  }

  /** Whether {@code e} is DL4J's refusal to evaluate NaN predictions, anywhere in its causes. */
  private static boolean nanPredictions(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("NaNs present in predictions")) {
        return true;
      }
    }
    return false;
  }

  /** Validation results of one epoch, accuracies in [0, 1]. */
  private record Evaluated(double top1, double top5, double loss) {}

  private static Evaluated evaluate(
      JavaSparkContext sc, SparkComputationGraph net, PreparedDataset ds, int batch, int resolution) {
    var val = ShardBatches.eval(sc, ds, batch, resolution);
    IEvaluation[] done = net.doEvaluation(val, batch, new Evaluation(ds.manifest().classes(), 5), new LossEvaluation());
    Evaluation e = (Evaluation) done[0];
    return new Evaluated(e.accuracy(), e.topNAccuracy(), ((LossEvaluation) done[1]).loss());
  }

  /** The optimizer of {@code t} with the learning rate of {@code schedule}. */
  public static IUpdater updater(Training t, LearningRateSchedule schedule) {
    return switch (t.optimizer()) {
      case "sgd" -> new MomentumSgd(t.learningRate(), schedule, t.momentum());
      case "nesterov" -> new Nesterovs(schedule, t.momentum());
      case "adam" -> new Adam(schedule);
      default -> throw new IllegalArgumentException("unknown optimizer " + t.optimizer());
    };
  }
}
