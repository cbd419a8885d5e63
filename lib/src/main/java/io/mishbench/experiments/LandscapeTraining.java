package io.mishbench.experiments;

import io.mishbench.fs.HadoopFiles;
import io.mishbench.model.ModelSpec;
import io.mishbench.model.ModelZoo;
import io.mishbench.model.SmallCnn;
import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunIds;
import io.mishbench.results.RunRecorder;
import io.mishbench.results.RunResult;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * The networks a loss landscape looks around when the config names no checkpoint and no run: one zoo
 * model (or the small {@link #CNN}) per activation, trained in this JVM (no Spark, no augmentation) on the first
 * {@code train.examples} Fashion-MNIST training images, then recorded as a COMPLETE run in the results
 * store (run.json with settings, provenance and per-epoch metrics; model.zip beside it, written first).
 * The run id hashes every setting, so a rerun finds the run and reuses it without training.
 */
public final class LandscapeTraining {

  /** The augmentation recorded for these runs. */
  public static final String AUGMENTATION = "none";

  /** Model file of a run, as every trainer writes it. */
  public static final String MODEL_FILE = RunRecorder.MODEL_FILE;

  /** The model name of the zoo's small CNN for quick runs ({@link SmallCnn}). */
  public static final String CNN = SmallCnn.NAME;

  /** Input side of Fashion-MNIST. */
  public static final int RESOLUTION = 28;

  private LandscapeTraining() {}

  /**
   * A trained network and its run.
   *
   * @param run the COMPLETE run record
   * @param model where its model.zip is
   * @param reused whether it was found in the store rather than trained now
   */
  public record Trained(RunResult run, URI model, boolean reused) {}

  /**
   * The settings recorded in run.json and hashed into the run id: every component of the
   * {@code loss-landscape.train} record (derived: a component added there changes run ids; {@code model},
   * {@code width} and {@code depth} without the {@code training.} prefix, as they have always been
   * recorded), the seed, the data and the evaluation set's size.
   */
  public static Map<String, Object> settings(LandscapeSettings s, String activation) {
    LandscapeSettings.Train t = s.loss().train();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("purpose", "landscape");
    m.put("dataset", s.loss().data().toAbsolutePath().toString());
    m.put("activation", activation);
    m.put("augmentation", AUGMENTATION);
    m.put("resolution", RESOLUTION);
    m.put("seed", s.seed());
    RunIds.settingsOf("training.", t, Set.of()).forEach((k, v) -> {
      String bare = k.substring("training.".length());
      m.put(UNPREFIXED.contains(bare) ? bare : k, v);
    });
    m.put("training.optimizer", "nesterov");
    m.put("eval.examples", s.loss().evalExamples());
    return m;
  }

  /** The components of {@code Train} recorded without the {@code training.} prefix. */
  private static final Set<String> UNPREFIXED = Set.of("model", "width", "depth");

  /** The run id of {@code activation}'s network. */
  public static String runId(LandscapeSettings s, String activation) {
    return identity(s, activation).runId();
  }

  private static RunRecorder.Identity identity(LandscapeSettings s, String activation) {
    return new RunRecorder.Identity(s.loss().train().model(), activation, AUGMENTATION, s.seed(),
        settings(s, activation));
  }

  /**
   * The COMPLETE run of {@code activation} with its model file, reused from {@code store} or trained now
   * (a RUNNING, FAILED or corrupt record, or a COMPLETE one without its model file, is trained again; a
   * DIVERGED one is final, and refused again).
   */
  public static Trained trainedOrReused(
      LandscapeSettings s, String activation, ResultsStore store, Configuration conf, Consumer<String> progress) {
    RunRecorder record = RunRecorder.open(store, null, identity(s, activation), null, true,
        note -> progress.accept("landscape: " + note));
    if (record.finished() != null) {
      RunResult r = record.finished();
      if (r.status() == RunResult.Status.DIVERGED) {
        throw diverged(r.runId(), r.divergence().epoch(), r.divergence().loss());
      }
      progress.accept("landscape: reusing COMPLETE run " + r.runId());
      return new Trained(r, record.modelFile(), true);
    }
    try {
      return new Trained(train(s, activation, record, progress), record.modelFile(), false);
    } catch (TrainingDiverged e) {
      throw e;
    } catch (RuntimeException e) {
      throw record.failed(e);
    }
  }

  /** A network whose loss stopped being finite: recorded DIVERGED, reported as bad input. */
  private static final class TrainingDiverged extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    TrainingDiverged(String message) {
      super(message);
    }
  }

  private static TrainingDiverged diverged(String id, int epoch, String loss) {
    return new TrainingDiverged("training " + id + " diverged in epoch " + epoch + " (validation loss " + loss
        + "); lower loss-landscape.train.learning-rate");
  }

  private static RunResult train(LandscapeSettings s, String activation, RunRecorder record, Consumer<String> progress) {
    LandscapeSettings.Train t = s.loss().train();
    String id = record.runId();
    record.start(null, Map.of("trainer", "landscape: one JVM, plain DL4J fit, no Spark"), List.of());
    Model net = network(t, activation, s.seed());
    LandscapeNetwork ln = new LandscapeNetwork(net);
    long[] shape = ln.inputShape(RESOLUTION);
    DataSet train = LandscapeData.read(s.loss().data(), LandscapeData.Split.TRAIN, t.examples(), shape);
    DataSet eval = LandscapeData.read(s.loss().data(), LandscapeData.Split.TEST, s.loss().evalExamples(), shape);
    Random order = new Random(s.seed());
    for (int epoch = 1; epoch <= t.epochs(); epoch++) {
      long t0 = System.nanoTime();
      train.shuffle(order.nextLong());
      int n = train.numExamples();
      for (int start = 0; start < n; start += t.batchSize()) {
        int end = Math.min(n, start + t.batchSize());
        fit(net, new DataSet(train.getFeatures().get(NDArrayIndex.interval(start, end)).dup(),
            train.getLabels().get(NDArrayIndex.interval(start, end)).dup()));
      }
      double fitSeconds = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      double[] last = LossLandscape.evaluate(ln, eval);
      double top5 = top5(ln, eval);
      double evalSeconds = (System.nanoTime() - t1) / 1e9;
      if (!Double.isFinite(last[0]) || !Double.isFinite(net.score())) {
        record.diverged(new RunResult.Divergence(epoch, 0, String.valueOf(last[0])));
        throw diverged(id, epoch, last[0] + ", training loss " + net.score());
      }
      record.epoch(new RunResult.EpochMetrics(epoch, fitSeconds, n, n / fitSeconds, 0, net.score(), t.learningRate(),
          last[1], top5, last[0], evalSeconds, 0, null, null), null);
      progress.accept(String.format(Locale.ROOT,
          "landscape: trained %s epoch %d/%d in %.1f s: training loss %.3f, validation loss %.3f, top-1 %.3f",
          id, epoch, t.epochs(), fitSeconds, net.score(), last[0], last[1]));
    }
    record.saveModel(out -> ModelSerializer.writeModel(net, out, false));
    return record.complete();
  }

  /** The untrained network of {@code t.model()}: {@link #CNN} or a zoo model, for 28 x 28 grey input. */
  static Model network(LandscapeSettings.Train t, String activation, long seed) {
    var updater = new Nesterovs(t.learningRate(), t.momentum());
    if (t.model().equals(CNN)) {
      MultiLayerNetwork m = new MultiLayerNetwork(SmallCnn.configuration(activation, t.width(), RESOLUTION, 1,
          LandscapeData.CLASSES, seed, updater, t.weightDecay()));
      m.init();
      return m;
    }
    ModelSpec spec = new ModelSpec(t.model(), activation, LandscapeData.CLASSES, RESOLUTION, 1, t.width(), t.depth());
    ComputationGraph g = new ComputationGraph(ModelZoo.build(spec, seed, updater, t.weightDecay()));
    g.init();
    return g;
  }

  private static void fit(Model net, DataSet batch) {
    if (net instanceof ComputationGraph g) {
      g.fit(batch);
    } else {
      ((MultiLayerNetwork) net).fit(batch);
    }
  }

  /** Top-5 accuracy of {@code net} on {@code eval}. */
  private static double top5(LandscapeNetwork net, DataSet eval) {
    INDArray out = net.output(eval.getFeatures()).castTo(DataType.DOUBLE);
    int[] labels = eval.getLabels().argMax(1).toIntVector();
    long hits = 0;
    for (int r = 0; r < labels.length; r++) {
      double[] p = out.getRow(r).toDoubleVector();
      int better = 0;
      for (double q : p) {
        if (q > p[labels[r]]) {
          better++;
        }
      }
      hits += better < 5 ? 1 : 0;
    }
    return (double) hits / labels.length;
  }

  static boolean exists(URI uri, Configuration conf) {
    try {
      return HadoopFiles.fs(uri, conf).exists(new Path(uri));
    } catch (IOException e) {
      return false;
    }
  }
}
