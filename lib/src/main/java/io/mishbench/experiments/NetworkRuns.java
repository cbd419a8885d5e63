package io.mishbench.experiments;

import io.mishbench.fs.HadoopFiles;
import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunIds;
import io.mishbench.results.RunResult;
import io.mishbench.results.RunRecorder;
import io.mishbench.results.RunResult.EpochMetrics;
import io.mishbench.train.GridProgress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The robustness experiments' trained networks as runs of the {@link ResultsStore}: one run per
 * (depth, activation, seed, settings), its id from {@link RunIds} over every result-changing setting,
 * its life that of every run ({@link RunRecorder}): RUNNING when training starts and after each epoch,
 * then {@code model.zip} beside run.json and COMPLETE. {@link #obtain} of a COMPLETE run with its
 * model.zip loads the model instead of training; a RUNNING (killed), FAILED or corrupt run, or a
 * COMPLETE one whose model.zip is gone, is trained again from scratch (these networks keep no checkpoints).
 */
public final class NetworkRuns {

  /** The model file in a run's folder. */
  public static final String MODEL_FILE = RunRecorder.MODEL_FILE;

  private final RobustnessConfig cfg;
  private final ResultsStore store;
  private final Images train;
  private final Images test;
  private final PrintStream out;
  private int total;
  private int toTrain;
  private int pending;
  private int started;
  private double epochSeconds;
  private int epochsTimed;

  /**
   * @param train training images (already limited to {@code train-images})
   * @param test test images (already limited to {@code test-images})
   */
  public NetworkRuns(RobustnessConfig cfg, Images train, Images test, PrintStream out) {
    this.cfg = cfg;
    this.store = new ResultsStore(cfg.results().toAbsolutePath().toUri(), HadoopFiles.configuration());
    this.train = train;
    this.test = test;
    this.out = out;
  }

  /** A trained network and its record. */
  public record Trained(String runId, Path runDir, RunResult run, MultiLayerNetwork net, boolean trainedNow) {}

  public ResultsStore store() {
    return store;
  }

  /** The model name of a depth in run ids and records, e.g. {@code depthnet12}. */
  public static String model(int depth) {
    return "depthnet" + depth;
  }

  /**
   * Components of {@link RobustnessConfig} that do not change a trained network, left out of its run id:
   * where things are written, which activations, depths and experiments run (a network's own depth and
   * activation are in its id), how it is evaluated and attacked, and the image limits (the counts of
   * images actually used are in the id instead). {@code network} and {@code training} are in it, every
   * component.
   */
  public static final Set<String> NOT_IN_RUN_ID = Set.of("output", "results", "activations", "seed", "train-images",
      "test-images", "experiments", "network", "training", "eval-batch-size", "depths", "eval-depth", "noise-stds",
      "adversarial");

  /** The settings that change a network's result (hashed into its run id, recorded as its config). */
  public Map<String, Object> settings(int depth) {
    return settings(cfg, train.count(), test.count(), depth);
  }

  /**
   * The settings of the depth-{@code depth} network of {@code cfg} trained on {@code trainImages} and
   * tested on {@code testImages} images: every component of the config's {@code network} and
   * {@code training} records (derived: a component added there changes run ids), and of the config
   * itself those not in {@link #NOT_IN_RUN_ID}.
   */
  public static Map<String, Object> settings(RobustnessConfig cfg, int trainImages, int testImages, int depth) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("experiment", "robustness");
    // the config's own components not left out (today only dataset, spelt as an absolute path)
    RunIds.settingsOf("", cfg, NOT_IN_RUN_ID).forEach((k, v) -> s.put(k, v.toString()));
    s.put("dataset", cfg.dataset().toAbsolutePath().normalize().toString());
    s.put("train-images", trainImages);
    s.put("test-images", testImages);
    s.put("depth", depth);
    RunIds.settingsOf("", cfg.network(), Set.of()).forEach((k, v) -> s.put(k, v instanceof List<?> l ? l.toString() : v));
    s.putAll(RunIds.settingsOf("", cfg.training(), Set.of()));
    s.put("dtype", "float32");
    return s;
  }

  public String runId(int depth, String activation) {
    return identity(depth, activation).runId();
  }

  private RunRecorder.Identity identity(int depth, String activation) {
    return new RunRecorder.Identity(model(depth), activation, "none", cfg.seed(), settings(depth));
  }

  /** Whether the run of ({@code depth}, {@code activation}) is COMPLETE with its model saved. */
  public boolean isFinished(int depth, String activation) {
    return open(depth, activation, note -> { }).finished() != null;
  }

  /** Tells the progress lines how many networks this invocation will look at and how many need training. */
  public void plan(int networks, int toTrain) {
    this.total = networks;
    this.toTrain = toTrain;
    this.pending = toTrain;
  }

  public Path runDir(String runId) {
    return Path.of(store.runDir(runId));
  }

  /** The trained network of ({@code depth}, {@code activation}): loaded when finished, else trained now. */
  public Trained obtain(int depth, String activation) throws IOException {
    RunRecorder record = open(depth, activation, note -> out.println("robustness: " + note));
    String id = record.runId();
    Path dir = runDir(id);
    if (record.finished() != null) {
      return new Trained(id, dir, record.finished(), MultiLayerNetwork.load(dir.resolve(MODEL_FILE).toFile(), false),
          false);
    }
    if (record.previous() != null && record.previous().status() != RunResult.Status.COMPLETE) {
      out.println("robustness: run " + id + " is " + record.previous().status() + "; training it again");
    }
    try {
      return train(record, dir, depth, activation);
    } catch (RuntimeException e) {
      throw record.failed(e);
    }
  }

  private RunRecorder open(int depth, String activation, Consumer<String> say) {
    return RunRecorder.open(store, null, identity(depth, activation), null, true, say);
  }

  private Trained train(RunRecorder record, Path dir, int depth, String activation) {
    started++;
    record.start(null, Map.of("trainer", "plain DL4J, one process"), List.of());
    MultiLayerNetwork net = DepthNetwork.create(cfg.network(), depth, activation, cfg.training().learningRate(),
        cfg.seed(), DataType.FLOAT);
    int n = train.count();
    int batch = cfg.training().batchSize();
    for (int epoch = 1; epoch <= cfg.training().epochs(); epoch++) {
      long t0 = System.nanoTime();
      int[] order = permutation(n, new Random(cfg.seed() * 1_000_003L + epoch));
      double score = Double.NaN;
      for (int start = 0; start < n; start += batch) {
        int[] idx = Arrays.copyOfRange(order, start, Math.min(n, start + batch));
        INDArray x = Nd4j.pullRows(train.features(), 1, idx);
        INDArray y = Nd4j.pullRows(train.labels(), 1, idx);
        net.fit(new DataSet(x, y));
        score = net.score();
      }
      double trainSeconds = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      Accuracy acc = Accuracy.of(net, test, cfg.evalBatchSize());
      double evalSeconds = (System.nanoTime() - t1) / 1e9;
      record.epoch(new EpochMetrics(epoch, trainSeconds, n, n / trainSeconds, 0, score, cfg.training().learningRate(),
          acc.top1(), acc.top5(), acc.loss(), evalSeconds, 0, null, null), null);
      epochSeconds += trainSeconds + evalSeconds;
      epochsTimed++;
      List<EpochMetrics> epochs = record.epochs();
      out.println(progress(depth, activation, epochs.get(epochs.size() - 1)));
      out.flush();
    }
    record.saveModel(stream -> ModelSerializer.writeModel(net, stream, false));
    RunResult done = record.complete();
    pending = Math.max(0, pending - 1);
    return new Trained(record.runId(), dir, done, net, true);
  }

  private String progress(int depth, String activation, EpochMetrics e) {
    int epochsLeft = cfg.training().epochs() - e.epoch();
    double mean = epochSeconds / epochsTimed;
    double all = mean * (epochsLeft + (double) Math.max(0, pending - 1) * cfg.training().epochs());
    return String.format(Locale.ROOT,
        "[train %d/%d of %d networks] depth %d %s seed %d | epoch %d/%d | loss %.4f | top-1 %.2f%% | %.0f img/s"
            + " | net %s left | all %s left",
        started, Math.max(started, toTrain), total, depth, activation, cfg.seed(), e.epoch(),
        cfg.training().epochs(), e.score(), 100 * e.top1(), e.imagesPerSecond(), GridProgress.duration(mean * epochsLeft),
        GridProgress.duration(all));
  }

  private static int[] permutation(int n, Random rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
