package io.mishbench.averaging;

import io.mishbench.averaging.WorkerResult.Part;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Synchronous parameter averaging on Spark's own primitives, with DL4J's semantics
 * ({@code ParameterAveragingTrainingMaster} with {@code saveUpdater(true)}): every round, each worker
 * starts from the same parameters and updater state, fits {@code F} of its minibatches, and the
 * driver replaces its network's parameters and updater state by the workers' means and advances the
 * step counter by {@code F}. One worker at {@code F = 1} is plain fitting.
 *
 * <p>What a round costs, and what this master does about it:
 * <ul>
 *   <li>on a cluster the state travels once per direction per worker, in {@link ArrayCodec}'s bulk
 *       form (a broadcast out, task results back), never in ND4J's element-by-element form; results
 *       are the pooled network's own arrays, which go back to the pool once Spark has serialized them;
 *   <li>in Spark local mode, where the workers run in the driver's JVM, the state is not serialized at
 *       all: workers read it where it is and add their results into one sum
 *       ({@link InProcessExchange});
 *   <li>executors keep their networks between rounds ({@link NetworkPool}) and set the state in
 *       place; later rounds ask Spark for the executor each worker ran on before, so its network and
 *       its shard cache are there;
 *   <li>results are summed by {@code treeAggregate} whose depth is chosen so that the driver receives
 *       at most about sqrt(workers) sums;
 *   <li>timings come from the code ({@link Part}) and from Spark's listener events
 *       ({@link RoundTimeline}), and are reported per epoch as mean milliseconds per round.
 * </ul>
 */
public final class AveragingMaster implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AveragingMaster.class);

  /** Spark setting: the driver's port for the ring exchange's state and reports (0, the default: any free port). */
  public static final String DRIVER_PORT = "spark.mishbench.averaging.driver.port";

  /** How the state travels between the driver and the workers. */
  public enum Exchange {
    /** {@link #MEMORY} in Spark local mode; otherwise {@link #RING}, or {@link #SPARK} under dynamic allocation */
    AUTO,
    /** local mode only: workers read the driver's state in place and add into one sum ({@link InProcessExchange}) */
    MEMORY,
    /**
     * one barrier stage per epoch whose tasks run every round themselves and average over a TCP ring
     * ({@link EpochTask}, {@link Ring}): each task sends and receives 2 (n - 1) / n times the state per
     * round, the driver none; needs as many concurrent task slots as tasks (workers beyond the slots
     * share a task) and no dynamic allocation, which barrier stages refuse
     */
    RING,
    /** one Spark job per round: the state out as a broadcast, results back through {@code treeAggregate} */
    SPARK;

    /** {@code auto}, {@code memory}, {@code ring} or {@code spark}. */
    public static Exchange parse(String name) {
      try {
        return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("averaging exchange '" + name + "' is not one of auto, memory, ring, spark");
      }
    }
  }

  /**
   * @param workers parallel workers (Spark partitions per round), >= 1
   * @param averagingFrequency minibatches each worker fits between averagings, >= 1
   * @param reuseNetworks keep networks on executors between rounds (false: build one per worker and
   *     round, as DL4J does; for comparison)
   * @param treeDepth depth of Spark's tree aggregation in the {@link Exchange#SPARK} exchange; 0 chooses it
   *     from the worker count
   * @param exchange how the state travels ({@link Exchange#AUTO}: the fastest the deployment allows)
   */
  public record Options(int workers, int averagingFrequency, boolean reuseNetworks, int treeDepth,
      Exchange exchange) {
    public Options {
      if (workers < 1 || averagingFrequency < 1 || treeDepth < 0) {
        throw new IllegalArgumentException(String.format(
            "workers %d and averaging frequency %d must be >= 1, tree depth %d >= 0", workers, averagingFrequency,
            treeDepth));
      }
      java.util.Objects.requireNonNull(exchange, "exchange");
    }

    /** {@code workers} and {@code averagingFrequency} with the defaults: kept networks, automatic depth and exchange. */
    public Options(int workers, int averagingFrequency) {
      this(workers, averagingFrequency, true, 0, Exchange.AUTO);
    }

    /** The tree depth used: 1 (every worker's result straight to the driver) up to 4 workers, else 2. */
    public int depth() {
      return treeDepth > 0 ? treeDepth : workers <= 4 ? 1 : 2;
    }
  }

  /** One epoch: rounds, images and minibatches, the last averaged loss, and where a round's time went. */
  public record Epoch(int rounds, long images, int minibatches, double score, int networksBuilt, double dataWaitShare,
      Map<String, Double> roundMillis, long divergedStep, String divergedLoss) {

    public boolean diverged() {
      return divergedStep >= 0;
    }
  }

  private final JavaSparkContext sc;
  private final ComputationGraph net;
  private final Options options;
  private final boolean local;
  private final Exchange exchange;
  private final boolean inProcess;
  private final String id = UUID.randomUUID().toString();
  private final RoundTimeline timeline = new RoundTimeline(id);
  private final Broadcast<RoundTask.Setup> setup;
  private final Map<Integer, String> lastLocation = new HashMap<>();
  private DriverLink link;
  private boolean warnedSlots;
  private long stages;

  /** Attempts of one epoch in the ring exchange before its failure is the run's. */
  static final int EPOCH_ATTEMPTS = 3;

  /** How long an epoch of the ring exchange waits for executors still registering. */
  static final long SLOT_WAIT_MILLIS = 15_000;
  private int round;

  public AveragingMaster(JavaSparkContext sc, ComputationGraph net, MinibatchLoader loader, Options options) {
    this.sc = sc;
    this.net = net;
    this.options = options;
    this.local = sc.sc().isLocal(); // local and local[n]: executors in this JVM (not local-cluster)
    String json = net.getConfiguration().toJson();
    // the step and epoch counters are set by every round: leave them out of the pool's key
    String key = Integer.toHexString(json.replaceAll("\"(iterationCount|epochCount)\" ?: ?\\d+", "").hashCode())
        + "-" + json.length();
    if (!local) {
      checkExecutorMemory(sc.getConf(), net);
    }
    this.exchange = resolve(options.exchange(), local, sc.getConf());
    this.inProcess = exchange == Exchange.MEMORY;
    log.info("parameter averaging: {} worker(s), every {} minibatch(es), state exchanged {}", options.workers(),
        options.averagingFrequency(), switch (exchange) {
          case MEMORY -> "in memory (local mode)";
          case RING -> "over a TCP ring between the executors, one barrier stage per epoch";
          default -> "through Spark (broadcast, tree aggregation), one job per round";
        });
    this.setup = sc.broadcast(new RoundTask.Setup(json, key, loader, options.reuseNetworks(), inProcess ? id : null));
    sc.sc().addSparkListener(timeline);
  }

  public Options options() {
    return options;
  }

  /** The exchange in use: {@link Exchange#AUTO} resolved for this deployment. */
  public Exchange exchange() {
    return exchange;
  }

  static Exchange resolve(Exchange asked, boolean local, org.apache.spark.SparkConf conf) {
    boolean dynamic = conf.getBoolean("spark.dynamicAllocation.enabled", false);
    return switch (asked) {
      case AUTO -> local ? Exchange.MEMORY : dynamic ? Exchange.SPARK : Exchange.RING;
      case MEMORY -> {
        if (!local) {
          throw new IllegalArgumentException("the in-memory averaging exchange needs Spark local mode (workers in the"
              + " driver's JVM); use ring or spark on a cluster");
        }
        yield asked;
      }
      case RING -> {
        if (dynamic) {
          throw new IllegalArgumentException("the ring averaging exchange runs barrier stages, which Spark refuses under"
              + " dynamic allocation (spark.dynamicAllocation.enabled=true); use the spark exchange or fixed executors");
        }
        yield asked;
      }
      case SPARK -> asked;
    };
  }

  /**
   * Off-heap bytes an executor needs for the state of {@code tasks} concurrent workers, before any
   * activation: per worker a kept network's parameters, gradients and updater state, plus the
   * executor's deserialized broadcast of parameters and updater state.
   */
  static long executorStateBytes(ComputationGraph net, int tasks) {
    long params = net.params().length() * net.params().dataType().width();
    INDArray u = net.getUpdater().getStateViewArray();
    long updater = u == null ? 0 : u.length() * u.dataType().width();
    return tasks * (2 * params + updater) + params + updater;
  }

  /**
   * Refuses, before the first round, executors whose ND4J off-heap cap ({@code
   * -Dorg.bytedeco.javacpp.maxbytes} in spark.executor.extraJavaOptions, set by the submit scripts'
   * --executor-offheap) cannot even hold the kept networks' state; the message gives the size to ask for.
   */
  static void checkExecutorMemory(org.apache.spark.SparkConf conf, ComputationGraph net) {
    String opts = conf.get("spark.executor.extraJavaOptions", "");
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("-Dorg\\.bytedeco\\.javacpp\\.maxbytes=(\\d+)([kKmMgGtT]?)").matcher(opts);
    if (!m.find()) {
      return;
    }
    long cap = Long.parseLong(m.group(1)) * switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
      case "k" -> 1L << 10;
      case "m" -> 1L << 20;
      case "g" -> 1L << 30;
      case "t" -> 1L << 40;
      default -> 1L;
    };
    int cores = Integer.parseInt(conf.get("spark.executor.cores", "1"));
    int perTask = Integer.parseInt(conf.get("spark.task.cpus", "1"));
    int tasks = Math.max(1, cores / Math.max(1, perTask));
    long need = executorStateBytes(net, tasks);
    if (cap < need) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "executors' ND4J off-heap cap is %d MiB, but %d concurrent worker(s) of this model need at least %d MiB for"
              + " parameters, gradients, updater state and the broadcast alone, before activations; give the executors"
              + " more (--executor-offheap %dg or more)", cap >> 20, tasks, need >> 20, Math.max(1, (2 * need >> 30) + 1)));
    }
    log.info("executor off-heap cap {} MiB; the model's state needs {} MiB of it for {} worker(s) per executor",
        cap >> 20, need >> 20, tasks);
  }

  /**
   * Trains one epoch: worker {@code w} fits its {@code minibatches[w]} minibatches of {@code epoch}
   * in order, {@code F} per round; rounds go on while any worker has minibatches left (a worker with
   * none left sits the round out). Stops at the first round in which a worker saw a non-finite loss,
   * leaving the network as averaged before that round.
   */
  public Epoch fitEpoch(int epoch, int[] minibatches) throws InterruptedException {
    return fitEpoch(epoch, minibatches, (done, total, loss) -> { });
  }

  /** Sees each averaging round end: rounds done and planned in this epoch, the averaged loss. */
  @FunctionalInterface
  public interface RoundListener {
    void roundDone(int roundsDone, int roundsTotal, double loss);
  }

  /** {@link #fitEpoch(int, int[])}, telling {@code listener} about every round as it ends. */
  public Epoch fitEpoch(int epoch, int[] minibatches, RoundListener listener) throws InterruptedException {
    if (minibatches.length != options.workers()) {
      throw new IllegalArgumentException(minibatches.length + " workers planned, " + options.workers() + " configured");
    }
    if (exchange == Exchange.RING) {
      return ringEpochWithRetries(epoch, minibatches, listener);
    }
    int f = options.averagingFrequency();
    int rounds = (Arrays.stream(minibatches).max().orElse(0) + f - 1) / f;
    int firstRound = round;
    long images = 0;
    int batches = 0;
    int built = 0;
    double score = Double.NaN;
    long waitNanos = 0;
    long fitNanos = 0;
    Map<String, Double> sums = new LinkedHashMap<>();
    for (int r = 0; r < rounds; r++) {
      List<RoundTask.Assignment> work = new ArrayList<>();
      for (int w = 0; w < minibatches.length; w++) {
        if (r * f < minibatches[w]) { // a worker whose minibatches are done sits the round out, as in DL4J
          work.add(new RoundTask.Assignment(w, epoch, r * f, Math.min(r * f + f, minibatches[w])));
        }
      }
      long roundStart = System.nanoTime();
      INDArray updater = net.getUpdater().getStateViewArray();
      RoundState state = new RoundState(net.params(), updater, net.getConfiguration().getIterationCount(),
          net.getConfiguration().getEpochCount());
      InProcessExchange.Slot slot = inProcess ? InProcessExchange.open(id, state) : null;
      Broadcast<RoundState> bc = inProcess ? null : sc.broadcast(state);
      long broadcastDone = System.nanoTime();
      sc.setLocalProperty(RoundTimeline.ROUND_PROPERTY, id + ":" + round);
      long jobSubmit = System.currentTimeMillis();
      WorkerResult sum;
      try {
        sum = assignments(work).mapPartitions(new RoundTask(setup, bc))
            .treeAggregate(WorkerResult.empty(), WorkerResult::plus, WorkerResult::plus, options.depth());
      } finally {
        sc.setLocalProperty(RoundTimeline.ROUND_PROPERTY, null);
      }
      long aggregated = System.currentTimeMillis();
      long updateStart = System.nanoTime();
      if (sum.divergedStep() >= 0) {
        destroy(bc);
        return new Epoch(r, images + sum.images(), batches + sum.minibatches(), score, built + sum.networksBuilt(),
            share(waitNanos, fitNanos), means(sums, r), sum.divergedStep(), sum.divergedLoss());
      }
      INDArray paramsSum = slot != null ? slot.params() : sum.params();
      INDArray updaterSum = slot != null ? slot.updater() : sum.updater();
      int contributed = slot != null ? slot.count() : sum.workers();
      if (contributed > 0) {
        net.params().assign(paramsSum.divi(contributed));
        if (updater != null && updaterSum != null) {
          updater.assign(updaterSum.divi(contributed));
        }
        score = sum.meanScore();
      }
      net.getConfiguration().setIterationCount(net.getConfiguration().getIterationCount() + f);
      long roundEnd = System.nanoTime();
      destroy(bc);
      lastLocation.putAll(sum.locations());
      images += sum.images();
      batches += sum.minibatches();
      built += sum.networksBuilt();
      waitNanos += sum.sumNanos(Part.DATA_WAIT);
      fitNanos += sum.sumNanos(Part.FIT);
      add(sums, "round", (roundEnd - roundStart) / 1e6);
      add(sums, "broadcast", (broadcastDone - roundStart) / 1e6);
      for (Part p : Part.values()) {
        add(sums, camel(p.name()), sum.maxNanos(p) / 1e6);
      }
      add(sums, "update", (roundEnd - updateStart) / 1e6);
      sparkParts(sums, round, jobSubmit, aggregated);
      round++;
      listener.roundDone(r + 1, rounds, score);
    }
    timeline.forgetBefore(firstRound + rounds);
    return new Epoch(rounds, images, batches, score, built, share(waitNanos, fitNanos), means(sums, rounds), -1, null);
  }

  /**
   * Spark does not rerun a failed barrier stage whose results go to the driver (a lost executor fails
   * the job), so the driver does: the epoch starts again from the driver's state, which a failed attempt
   * never touches, up to {@link #EPOCH_ATTEMPTS} times. A failure that repeats (unreadable data) ends
   * the epoch with the last attempt's error.
   */
  private Epoch ringEpochWithRetries(int epoch, int[] minibatches, RoundListener listener)
      throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return ringEpoch(epoch, minibatches, listener);
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        if (attempt >= EPOCH_ATTEMPTS || Thread.currentThread().isInterrupted()) {
          throw sneaky(e);
        }
        log.warn("epoch {}: attempt {} of {} of the averaging ring failed ({}); running the epoch again from its start",
            epoch, attempt, EPOCH_ATTEMPTS, e.toString());
      }
    }
  }

  /**
   * The epoch as one barrier stage of {@link EpochTask}s averaging over a {@link Ring}: the tasks fetch
   * the epoch's starting state from the driver's {@link DriverLink}, the driver shows task 0's round
   * reports as they come, and task 0 sends the averaged state back at the end. Timings are per round, the stage's and the broadcast's
   * spread over the epoch's rounds. On a non-finite loss the driver's network stays as the epoch
   * started (the tasks' networks have moved on; the run is recorded as diverged either way).
   */
  private Epoch ringEpoch(int epoch, int[] minibatches, RoundListener listener) throws InterruptedException {
    int f = options.averagingFrequency();
    long start = System.nanoTime();
    int tasks = Math.min(minibatches.length, slotsFor(minibatches.length));
    INDArray updater = net.getUpdater().getStateViewArray();
    if (link == null) {
      int port = sc.getConf().getInt(DRIVER_PORT, 0);
      try {
        link = new DriverLink(port);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot open the driver's averaging port " + port + " (" + DRIVER_PORT
            + ")", e);
      }
    }
    long token = ((long) id.hashCode() << 32) ^ ++stages;
    link.open(token, net.params(), updater);
    long broadcastDone = System.nanoTime();
    EpochTask.Plan plan = new EpochTask.Plan(epoch, f, minibatches.clone(), tasks, token,
        sc.getConf().get("spark.driver.host", "localhost"), link.port(), net.getConfiguration().getIterationCount(),
        net.getConfiguration().getEpochCount());
    int rounds = plan.rounds();
    List<Integer> taskIds = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      taskIds.add(i);
    }
    ClassTag<WorkerResult> tag = ClassTag$.MODULE$.apply(WorkerResult.class);
    sc.setLocalProperty(RoundTimeline.ROUND_PROPERTY, id + ":" + round);
    long jobSubmit = System.currentTimeMillis();
    JavaFutureAction<List<WorkerResult>> job;
    try {
      job = new JavaRDD<>(sc.parallelize(taskIds, tasks).rdd().barrier()
          .mapPartitions(new EpochTask(setup, plan), false, tag), tag).collectAsync();
    } finally {
      sc.setLocalProperty(RoundTimeline.ROUND_PROPERTY, null);
    }
    int shown = 0;
    List<WorkerResult> results;
    try {
      while (!job.isDone()) {
        DriverLink.Report r = link.poll(250);
        if (r != null) {
          listener.roundDone(r.done(), r.total(), r.loss());
          shown = r.done();
        }
      }
      results = job.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw sneaky(e.getCause());
    } catch (InterruptedException e) {
      job.cancel(true);
      throw e;
    }
    long aggregated = System.currentTimeMillis();
    long updateStart = System.nanoTime();
    WorkerResult sum = WorkerResult.empty();
    for (WorkerResult r : results) {
      sum = sum.plus(r);
    }
    if (sum.divergedStep() >= 0) {
      int done = (int) Math.max(0, (sum.divergedStep() - net.getConfiguration().getIterationCount()) / f);
      return new Epoch(done, sum.images(), sum.minibatches(), Double.NaN, sum.networksBuilt(),
          share(sum.sumNanos(Part.DATA_WAIT), sum.sumNanos(Part.FIT)), Map.of(), sum.divergedStep(),
          sum.divergedLoss());
    }
    if (!link.take()) {
      throw new IllegalStateException("the averaging ring's task 0 finished, but its averaged state did not reach the"
          + " driver whole");
    }
    net.getConfiguration().setIterationCount(net.getConfiguration().getIterationCount() + rounds * f);
    long end = System.nanoTime();
    double score = sum.meanScore();
    if (shown < rounds) {
      listener.roundDone(rounds, rounds, score);
    }
    Map<String, Double> sums = new LinkedHashMap<>();
    add(sums, "round", (end - start) / 1e6);
    add(sums, "broadcast", (broadcastDone - start) / 1e6);
    for (Part p : Part.values()) {
      add(sums, camel(p.name()), sum.maxNanos(p) / 1e6);
    }
    add(sums, "update", (end - updateStart) / 1e6);
    sparkParts(sums, round, jobSubmit, aggregated);
    timeline.forgetBefore(++round);
    lastLocation.putAll(sum.locations());
    return new Epoch(rounds, sum.images(), sum.minibatches(), score, sum.networksBuilt(),
        share(sum.sumNanos(Part.DATA_WAIT), sum.sumNanos(Part.FIT)), means(sums, rounds), -1, null);
  }

  /**
   * Task slots for {@code workers} ring tasks: on a cluster, executors that are still registering
   * (right after the application starts, or after one was lost) get up to {@link #SLOT_WAIT_MILLIS} to
   * arrive; with fewer slots than workers, workers share tasks (the same result, more slowly).
   */
  private int slotsFor(int workers) throws InterruptedException {
    int slots = slots();
    long deadline = System.currentTimeMillis() + SLOT_WAIT_MILLIS;
    while (!local && slots < workers && System.currentTimeMillis() < deadline) {
      Thread.sleep(250);
      slots = slots();
    }
    if (slots < workers && !warnedSlots) {
      warnedSlots = true;
      log.warn("{} task slot(s) for {} averaging workers: workers share the ring's tasks, each task training its"
          + " workers one after the other (ask for {} slots to run them side by side)", slots, workers, workers);
    }
    return slots;
  }

  /** Task slots the cluster offers now (executors' cores over spark.task.cpus), at least 1. */
  private int slots() {
    try {
      return Math.max(1, sc.sc().maxNumConcurrentTasks(sc.sc().resourceProfileManager().defaultResourceProfile()));
    } catch (RuntimeException | LinkageError e) { // Spark-internal API: fall back to the default parallelism
      return Math.max(1, sc.defaultParallelism());
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
    throw (T) t; // Spark's own SparkException, unwrapped as its synchronous actions throw it
  }

  /** Spark's parts of round {@code r}: scheduling, task deserialization, result serialization, aggregation. */
  private void sparkParts(Map<String, Double> sums, int r, long jobSubmit, long aggregated) throws InterruptedException {
    if (!timeline.awaitEnd(r, 2000)) {
      log.debug("no job-end event for averaging round {} yet", r);
      return;
    }
    RoundTimeline.Round t = timeline.round(r);
    synchronized (t) {
      if (t.firstLaunch != Long.MAX_VALUE) {
        add(sums, "schedule", (double) (t.firstLaunch - jobSubmit));
      }
      add(sums, "taskDeserialize", (double) t.maxTaskDeserialize);
      add(sums, "resultSerialize", (double) t.maxResultSerialize);
      add(sums, "resultFetch", (double) t.maxGettingResult);
      if (t.lastTrainingFinish >= 0) {
        add(sums, "aggregate", (double) (aggregated - t.lastTrainingFinish));
      }
      add(sums, "treeLevels", (double) t.laterStagesMs);
    }
  }

  private JavaRDD<RoundTask.Assignment> assignments(List<RoundTask.Assignment> work) {
    if (local || lastLocation.isEmpty()) {
      return sc.parallelize(work, work.size());
    }
    List<Tuple2<RoundTask.Assignment, scala.collection.Seq<String>>> withPlaces = new ArrayList<>();
    for (RoundTask.Assignment a : work) {
      String at = lastLocation.get(a.worker());
      List<String> places = at == null || at.isEmpty() ? List.of() : List.of(at);
      withPlaces.add(new Tuple2<>(a, JavaConverters.asScalaBuffer(places).toSeq()));
    }
    return sc.sc().makeRDD(JavaConverters.asScalaBuffer(withPlaces).toSeq(), ClassTag$.MODULE$.apply(RoundTask.Assignment.class))
        .toJavaRDD();
  }

  private static void destroy(Broadcast<?> bc) {
    if (bc != null) {
      bc.destroy();
    }
  }

  private static double share(long wait, long fit) {
    return wait + fit == 0 ? Double.NaN : wait / (double) (wait + fit);
  }

  private static void add(Map<String, Double> sums, String key, double v) {
    sums.merge(key, v, Double::sum);
  }

  private static Map<String, Double> means(Map<String, Double> sums, int rounds) {
    Map<String, Double> m = new LinkedHashMap<>();
    sums.forEach((k, v) -> m.put(k, rounds == 0 ? 0 : Math.round(v / rounds * 100) / 100.0));
    return m;
  }

  private static String camel(String name) {
    String[] w = name.toLowerCase(java.util.Locale.ROOT).split("_");
    StringBuilder b = new StringBuilder(w[0]);
    for (int i = 1; i < w.length; i++) {
      b.append(Character.toUpperCase(w[i].charAt(0))).append(w[i].substring(1));
    }
    return b.toString();
  }

  @Override
  public void close() {
    sc.sc().removeSparkListener(timeline);
    setup.destroy();
    if (link != null) {
      link.close();
    }
    InProcessExchange.close(id);
  }
}
