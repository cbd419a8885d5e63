package io.mishbench.averaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.averaging.AveragingMaster.Exchange;
import io.mishbench.model.ModelSpec;
import io.mishbench.model.ModelZoo;
import io.mishbench.train.SparkSetup;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * AveragingMaster keeps DL4J's parameter-averaging semantics: one worker at F = 1 is plain fitting;
 * N workers equal N copies of the network fitted side by side and averaged (parameters and updater
 * state) every F minibatches; executors that keep their networks give what fresh networks give.
 */
class AveragingMasterTest {

  private static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    sc = new JavaSparkContext(SparkSetup.withDefaults(new SparkConf().setMaster("local[2]").setAppName("averaging")));
  }

  @AfterAll
  static void stop() {
    sc.close();
  }

  /** Deterministic minibatches of 16x16 RGB noise, 3 classes; one chosen minibatch can be poisoned with NaN. */
  record Noise(int poisonWorker, int poisonIndex) implements MinibatchLoader {
    @Override
    public DataSet load(int epoch, int worker, int index) {
      var rng = Nd4j.getRandomFactory().getNewRandomInstance(1000L * epoch + 100L * worker + index);
      INDArray x = Nd4j.rand(rng, 4, 3, 16, 16).castTo(DataType.FLOAT);
      INDArray y = Nd4j.zeros(DataType.FLOAT, 4, 3);
      for (int i = 0; i < 4; i++) {
        y.putScalar(i, (i + index + worker) % 3, 1f);
      }
      if (worker == poisonWorker && index == poisonIndex && epoch == 1) {
        x.putScalar(new long[] {0, 0, 0, 0}, Float.NaN);
      }
      return new DataSet(x, y);
    }
  }

  private static final Noise DATA = new Noise(-1, -1);

  private static ComputationGraph network() {
    ComputationGraph net = new ComputationGraph(ModelZoo.build(
        new ModelSpec("resnet20", "mish", 3, 16, 3, 0.25, 1.0), 7, new Nesterovs(0.05, 0.9), 1e-4));
    net.init();
    return net;
  }

  private static ComputationGraph copy(ComputationGraph net) {
    ComputationGraph c = new ComputationGraph(net.getConfiguration().clone());
    c.init(net.params().dup(), true);
    c.getUpdater().getStateViewArray().assign(net.getUpdater().getStateViewArray());
    return c;
  }

  private static AveragingMaster master(ComputationGraph net, MinibatchLoader data, int workers, int f, boolean reuse) {
    return master(net, data, workers, f, reuse, Exchange.MEMORY);
  }

  private static AveragingMaster master(ComputationGraph net, MinibatchLoader data, int workers, int f, boolean reuse,
      Exchange exchange) {
    return new AveragingMaster(sc, net, data, new AveragingMaster.Options(workers, f, reuse, 0, exchange));
  }

  @Test
  void oneWorkerAtFrequencyOneIsPlainFitting() throws Exception {
    ComputationGraph spark = network();
    ComputationGraph plain = copy(spark);
    try (AveragingMaster m = master(spark, DATA, 1, 1, true)) {
      for (int epoch = 1; epoch <= 2; epoch++) {
        AveragingMaster.Epoch e = m.fitEpoch(epoch, new int[] {5});
        assertEquals(5, e.rounds());
        assertEquals(20, e.images());
        for (int i = 0; i < 5; i++) {
          plain.fit(DATA.load(epoch, 0, i));
        }
        assertEquals(plain.score(), e.score(), 1e-5, "the loss of the last minibatch");
      }
    }
    assertClose(plain.params(), spark.params(), 1e-5, "parameters");
    assertClose(plain.getUpdater().getStateViewArray(), spark.getUpdater().getStateViewArray(), 1e-5, "momentum");
    assertEquals(plain.getConfiguration().getIterationCount(), spark.getConfiguration().getIterationCount());
  }

  @ParameterizedTest(name = "exchange: {0}")
  @EnumSource(value = Exchange.class, names = {"MEMORY", "SPARK", "RING"})
  void workersAreAveragedEveryFMinibatchesLikeCopiesFittedSideBySide(Exchange exchange) throws Exception {
    ComputationGraph spark = network();
    ComputationGraph reference = copy(spark);
    int[] minibatches = {5, 3}; // uneven: worker 1 sits out the last round
    int f = 2;
    AveragingMaster.Epoch e;
    try (AveragingMaster m = master(spark, DATA, 2, f, true, exchange)) {
      e = m.fitEpoch(1, minibatches);
    }
    assertEquals(3, e.rounds());
    assertEquals(8, e.minibatches());
    assertTrue(Double.isFinite(e.score()), "mean loss of the last round's workers: " + e.score());
    for (int round = 0; round < 3; round++) {
      INDArray params = null;
      INDArray updater = null;
      int contributing = 0;
      for (int w = 0; w < 2; w++) {
        if (round * f >= minibatches[w]) {
          continue; // a worker without minibatches left sits the round out, as DL4J's do
        }
        ComputationGraph worker = copy(reference);
        for (int i = round * f; i < Math.min(round * f + f, minibatches[w]); i++) {
          worker.fit(DATA.load(1, w, i));
        }
        params = params == null ? worker.params().dup() : params.addi(worker.params());
        updater = updater == null ? worker.getUpdater().getStateViewArray().dup()
            : updater.addi(worker.getUpdater().getStateViewArray());
        contributing++;
      }
      reference.params().assign(params.divi(contributing));
      reference.getUpdater().getStateViewArray().assign(updater.divi(contributing));
      reference.getConfiguration().setIterationCount(reference.getConfiguration().getIterationCount() + f);
    }
    assertClose(reference.params(), spark.params(), 1e-5, "parameters");
    assertClose(reference.getUpdater().getStateViewArray(), spark.getUpdater().getStateViewArray(), 1e-5, "momentum");
    assertEquals(6, spark.getConfiguration().getIterationCount(), "F steps per round, as DL4J counts them");
  }

  @ParameterizedTest(name = "exchange: {0}")
  @EnumSource(value = Exchange.class, names = {"MEMORY", "SPARK", "RING"})
  void executorsThatKeepTheirNetworksEndWhereFreshNetworksEnd(Exchange exchange) throws Exception {
    ComputationGraph kept = network();
    ComputationGraph fresh = copy(kept);
    int builtKept = 0;
    int builtFresh = 0;
    try (AveragingMaster a = master(kept, DATA, 2, 2, true, exchange);
        AveragingMaster b = master(fresh, DATA, 2, 2, false, exchange)) {
      for (int epoch = 1; epoch <= 2; epoch++) {
        builtKept += a.fitEpoch(epoch, new int[] {4, 4}).networksBuilt();
        builtFresh += b.fitEpoch(epoch, new int[] {4, 4}).networksBuilt();
      }
    }
    assertEquals(kept.params(), fresh.params(), "bit for bit");
    assertEquals(kept.getUpdater().getStateViewArray(), fresh.getUpdater().getStateViewArray());
    assertEquals(exchange == Exchange.RING ? 4 : 8, builtFresh,
        "a fresh network per worker and round (the ring: per task and epoch, its rounds run in one task)");
    assertTrue(builtKept <= 2, "kept networks are built once per concurrent worker: " + builtKept);
  }

  @ParameterizedTest(name = "exchange: {0}")
  @EnumSource(value = Exchange.class, names = {"SPARK", "RING"})
  void fourWorkersOnTwoCoresAndAnUnevenPlanStillAverageEveryWorker(Exchange exchange) throws Exception {
    // more workers than task slots: through Spark, a worker's pooled network may be taken by a later task
    // of the same round only after its result was serialized; in the ring, two workers share a task and
    // are summed there
    ComputationGraph a = network();
    ComputationGraph b = copy(a);
    try (AveragingMaster cluster = master(a, DATA, 4, 2, true, exchange);
        AveragingMaster inProcess = master(b, DATA, 4, 2, true, Exchange.MEMORY)) {
      AveragingMaster.Epoch ea = cluster.fitEpoch(1, new int[] {3, 4, 2, 4});
      AveragingMaster.Epoch eb = inProcess.fitEpoch(1, new int[] {3, 4, 2, 4});
      assertEquals(13, ea.minibatches());
      assertEquals(2, ea.rounds());
      assertEquals(ea.score(), eb.score(), 1e-6);
    }
    assertClose(a.params(), b.params(), 1e-6, exchange + " and in-process exchange");
  }

  /** Minibatches that fail to load from index 3 on. */
  record Unreadable() implements MinibatchLoader {
    @Override
    public DataSet load(int epoch, int worker, int index) throws java.io.IOException {
      if (index >= 3) {
        throw new java.io.IOException("shard of minibatch " + index + " is unreadable");
      }
      return DATA.load(epoch, worker, index);
    }
  }

  /** Minibatch 2 of worker 1 fails to load the first time it is asked for: an executor lost in the middle of an epoch. */
  record FailsOnce() implements MinibatchLoader {
    static final java.util.concurrent.atomic.AtomicBoolean FAILED = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public DataSet load(int epoch, int worker, int index) throws java.io.IOException {
      if (worker == 1 && index == 2 && FAILED.compareAndSet(false, true)) {
        throw new java.io.IOException("executor lost");
      }
      return DATA.load(epoch, worker, index);
    }
  }

  @Test
  void aRingEpochThatFailsOnceIsRunAgainFromItsStartAndEndsWhereAnUnbrokenOneEnds() throws Exception {
    ComputationGraph a = network();
    ComputationGraph b = copy(a);
    FailsOnce.FAILED.set(false);
    try (AveragingMaster ring = master(a, new FailsOnce(), 2, 2, true, Exchange.RING);
        AveragingMaster memory = master(b, DATA, 2, 2, true, Exchange.MEMORY)) {
      AveragingMaster.Epoch ea = ring.fitEpoch(1, new int[] {4, 4});
      AveragingMaster.Epoch eb = memory.fitEpoch(1, new int[] {4, 4});
      assertTrue(FailsOnce.FAILED.get(), "the first attempt failed");
      assertEquals(2, ea.rounds());
      assertEquals(eb.score(), ea.score(), 1e-6);
    }
    assertClose(b.params(), a.params(), 1e-6, "parameters after a retried epoch");
    assertEquals(b.getConfiguration().getIterationCount(), a.getConfiguration().getIterationCount());
  }

  @ParameterizedTest(name = "exchange: {0}")
  @EnumSource(value = Exchange.class, names = {"MEMORY", "RING"})
  void aMinibatchThatCannotBeReadFailsTheRoundWithItsReason(Exchange exchange) {
    // F = 6 > the loader queue's 2: the failure must reach the trainer even with the queue full; in the
    // ring, the failing task's peer must not wait for it
    try (AveragingMaster m = master(network(), new Unreadable(), 2, 6, true, exchange)) {
      Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> m.fitEpoch(1, new int[] {6, 6}));
      String all = org.apache.commons.lang3.exception.ExceptionUtils.getStackTrace(e);
      assertTrue(all.contains("is unreadable"), all);
    }
  }

  @ParameterizedTest(name = "exchange: {0}")
  @EnumSource(value = Exchange.class, names = {"MEMORY", "SPARK", "RING"})
  void aNonFiniteLossStopsTheEpochAndNamesItsStep(Exchange exchange) throws Exception {
    ComputationGraph net = network();
    INDArray before;
    AveragingMaster.Epoch e;
    try (AveragingMaster m = master(net, new Noise(1, 3), 2, 2, true, exchange)) {
      m.fitEpoch(1, new int[] {2, 2}); // round 0 of epoch 1 trains minibatches 0-1: finite
      before = net.params().dup();
      e = m.fitEpoch(1, new int[] {6, 6});
    }
    assertTrue(e.diverged());
    assertEquals("NaN", e.divergedLoss());
    assertEquals(2 + 3, e.divergedStep(), "2 steps before, then minibatch 3 of the round starting at step 2");
    assertEquals(1, e.rounds(), "the round before the poisoned one was averaged");
    assertFalse(net.params().isNaN().any(), "the poisoned round is not averaged in");
    if (exchange == Exchange.RING) { // the driver keeps the epoch's starting state (the run is diverged)
      assertEquals(before, net.params());
    } else {
      assertTrue(!before.equals(net.params()));
    }
  }

  @ParameterizedTest(name = "exchange: {0}")
  @EnumSource(value = Exchange.class, names = {"MEMORY", "SPARK", "RING"})
  void timingsOfEveryPartAreReported(Exchange exchange) throws Exception {
    try (AveragingMaster m = master(network(), DATA, 2, 1, true, exchange)) {
      List<Integer> shown = new ArrayList<>();
      AveragingMaster.Epoch e = m.fitEpoch(1, new int[] {3, 3}, (done, total, loss) -> shown.add(done));
      assertEquals(List.of(1, 2, 3), shown, "every round is shown as it ends");
      List<String> parts = new ArrayList<>(List.of("round", "broadcast", "fetch", "network", "setState", "fit",
          "dataWait", "collect", "update", "schedule", "taskDeserialize", "resultSerialize", "aggregate"));
      if (exchange == Exchange.RING) {
        parts.addAll(List.of("connect", "sync", "allReduce"));
      }
      for (String part : parts) {
        assertTrue(e.roundMillis().containsKey(part), part + " in " + e.roundMillis());
        assertTrue(e.roundMillis().get(part) >= 0, part + " in " + e.roundMillis());
      }
      assertTrue(e.roundMillis().get("fit") > 0);
      assertTrue(e.roundMillis().get("round") >= e.roundMillis().get("fit"), e.roundMillis().toString());
      assertTrue(e.dataWaitShare() >= 0 && e.dataWaitShare() < 1, "wait share " + e.dataWaitShare());
    }
  }

  @Test
  void executorsWhoseOffHeapCapCannotHoldTheStateAreRefusedWithTheSizeToAskFor() {
    ComputationGraph net = network();
    long need = AveragingMaster.executorStateBytes(net, 2);
    long params = net.params().length() * 4;
    long momentum = net.getUpdater().getStateViewArray().length() * 4; // none for batch norm's running statistics
    assertTrue(momentum > 0 && momentum < params);
    assertEquals(2 * (2 * params + momentum) + params + momentum, need,
        "2 workers: parameters, gradients, momentum; one broadcast of parameters and momentum");
    SparkConf small = new SparkConf().set("spark.executor.cores", "2")
        .set("spark.executor.extraJavaOptions", "-Dfoo=1 -Dorg.bytedeco.javacpp.maxbytes=1k -Dbar=2");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> AveragingMaster.checkExecutorMemory(small, net));
    assertTrue(e.getMessage().contains("--executor-offheap"), e.getMessage());
    AveragingMaster.checkExecutorMemory(small.set("spark.executor.extraJavaOptions",
        "-Dorg.bytedeco.javacpp.maxbytes=2g"), net);
    AveragingMaster.checkExecutorMemory(new SparkConf(), net); // no cap given: nothing to check
  }

  private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
    double diff = expected.sub(actual).amaxNumber().doubleValue();
    assertTrue(diff <= tol, what + ": largest difference " + diff + " > " + tol);
  }
}
