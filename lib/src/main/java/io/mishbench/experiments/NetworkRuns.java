package io.mishbench.experiments;

import io.mishbench.fs.HadoopFiles;
import io.mishbench.results.Provenance;
import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunIds;
import io.mishbench.results.RunResult;
import io.mishbench.results.RunResult.EpochMetrics;
import io.mishbench.results.RunResult.Status;
import io.mishbench.train.GridProgress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The robustness experiments' trained networks as runs of the {@link ResultsStore}: one run per
 * (depth, activation, seed, settings), its id from {@link RunIds} over every result-changing setting.
 * A run is written RUNNING when training starts and after each epoch, then its model is saved as
 * {@code model.zip} beside run.json and the run written COMPLETE. {@link #obtain} of a COMPLETE run with
 * its model.zip loads the model instead of training; a RUNNING (killed), FAILED or corrupt run, or a
 * COMPLETE one whose model.zip is gone, is trained again from scratch.
 */
public final class NetworkRuns {

  /** The model file in a run's folder. */
  public static final String MODEL_FILE = "model.zip";

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

  /** The settings that change a network's result (hashed into its run id, recorded as its config). */
  public Map<String, Object> settings(int depth) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("experiment", "robustness");
    s.put("dataset", cfg.dataset().toAbsolutePath().normalize().toString());
    s.put("train-images", train.count());
    s.put("test-images", test.count());
    s.put("depth", depth);
    s.put("conv-channels", cfg.network().convChannels().toString());
    s.put("kernel", cfg.network().kernel());
    s.put("dense-width", cfg.network().denseWidth());
    s.put("dropout", cfg.network().dropout());
    s.put("epochs", cfg.training().epochs());
    s.put("batch-size", cfg.training().batchSize());
    s.put("learning-rate", cfg.training().learningRate());
    s.put("dtype", "float32");
    return s;
  }

  public String runId(int depth, String activation) {
    return RunIds.of(model(depth), activation, "none", cfg.seed(), settings(depth));
  }

  /** Whether the run of ({@code depth}, {@code activation}) is COMPLETE with its model saved. */
  public boolean isFinished(int depth, String activation) {
    String id = runId(depth, activation);
    return store.lookup(id) instanceof ResultsStore.Lookup.Found f && f.run().status() == Status.COMPLETE
        && Files.isRegularFile(runDir(id).resolve(MODEL_FILE));
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
    String id = runId(depth, activation);
    Path dir = runDir(id);
    Path model = dir.resolve(MODEL_FILE);
    ResultsStore.Lookup found = store.lookup(id);
    RunResult previous = null;
    if (found instanceof ResultsStore.Lookup.Corrupt c) {
      out.println("robustness: corrupt run record " + c.file() + " (" + c.reason() + "), moved aside; training again");
      store.quarantine(id);
    } else if (found instanceof ResultsStore.Lookup.Found f) {
      previous = f.run();
      if (previous.status() == Status.COMPLETE && Files.isRegularFile(model)) {
        return new Trained(id, dir, previous, MultiLayerNetwork.load(model.toFile(), false), false);
      }
      out.println("robustness: run " + id + " is " + previous.status()
          + (previous.status() == Status.COMPLETE ? " without its " + MODEL_FILE : "") + "; training it again");
    }
    return train(id, dir, depth, activation, previous);
  }

  private Trained train(String id, Path dir, int depth, String activation, RunResult previous) throws IOException {
    started++;
    int attempts = previous == null ? 1 : previous.attempts() + 1;
    Map<String, String> provenance = new LinkedHashMap<>(Provenance.collect(Map.of("trainer", "plain DL4J, one process")));
    provenance.put("attempt." + attempts + ".started", Instant.now().toString());
    String startedAt = Instant.now().toString();
    Map<String, Object> settings = settings(depth);
    List<EpochMetrics> epochs = new ArrayList<>();
    store.write(record(id, depth, activation, settings, provenance, epochs, Status.RUNNING, startedAt, attempts, null));
    MultiLayerNetwork net = DepthNetwork.create(cfg.network(), depth, activation, cfg.training().learningRate(),
        cfg.seed(), DataType.FLOAT);
    int n = train.count();
    int batch = cfg.training().batchSize();
    double elapsed = 0;
    for (int epoch = 1; epoch <= cfg.training().epochs(); epoch++) {
      long t0 = System.nanoTime();
      int[] order = permutation(n, new Random(cfg.seed() * 1_000_003L + epoch));
      double score = Double.NaN;
      for (int start = 0; start < n; start += batch) {
        int[] idx = java.util.Arrays.copyOfRange(order, start, Math.min(n, start + batch));
        INDArray x = Nd4j.pullRows(train.features(), 1, idx);
        INDArray y = Nd4j.pullRows(train.labels(), 1, idx);
        net.fit(new DataSet(x, y));
        score = net.score();
      }
      double trainSeconds = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      Accuracy acc = Accuracy.of(net, test, cfg.evalBatchSize());
      double evalSeconds = (System.nanoTime() - t1) / 1e9;
      elapsed += trainSeconds + evalSeconds;
      epochs.add(new EpochMetrics(epoch, trainSeconds, n, n / trainSeconds, 0, score, cfg.training().learningRate(),
          acc.top1(), acc.top5(), acc.loss(), evalSeconds, elapsed, null, null));
      store.write(record(id, depth, activation, settings, provenance, epochs, Status.RUNNING, startedAt, attempts, null));
      epochSeconds += trainSeconds + evalSeconds;
      epochsTimed++;
      out.println(progress(depth, activation, epochs.get(epochs.size() - 1)));
      out.flush();
    }
    Path tmp = dir.resolve(MODEL_FILE + ".tmp");
    ModelSerializer.writeModel(net, tmp.toFile(), false);
    Files.move(tmp, dir.resolve(MODEL_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    RunResult done = record(id, depth, activation, settings, provenance, epochs, Status.COMPLETE, startedAt, attempts,
        Instant.now().toString());
    store.write(done);
    pending = Math.max(0, pending - 1);
    return new Trained(id, dir, done, net, true);
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

  private RunResult record(String id, int depth, String activation, Map<String, Object> settings,
      Map<String, String> provenance, List<EpochMetrics> epochs, Status status, String startedAt, int attempts,
      String finishedAt) {
    EpochMetrics last = status == Status.COMPLETE ? epochs.get(epochs.size() - 1) : null;
    double wall = epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).elapsedSeconds();
    double trainSeconds = epochs.stream().mapToDouble(EpochMetrics::trainSeconds).sum();
    long images = epochs.stream().mapToLong(EpochMetrics::images).sum();
    return new RunResult(id, status, model(depth), activation, "none", cfg.seed(), settings,
        Collections.unmodifiableMap(new LinkedHashMap<>(provenance)), List.copyOf(epochs),
        last == null ? null : last.top1(), last == null ? null : last.top5(), last == null ? null : last.valLoss(),
        startedAt, finishedAt, null, wall, trainSeconds > 0 ? images / trainSeconds : null, null, null, null, null,
        attempts);
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
