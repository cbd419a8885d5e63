package io.mishbench.experiments;

import io.mishbench.results.Csv;
import io.mishbench.results.RunResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The Mish paper's robustness experiments on Fashion-MNIST, for every configured activation: test
 * accuracy and loss per network depth (depth sweep), under Gaussian input noise of growing std, and
 * under FGSM and PGD attacks of growing epsilon. Networks come from {@link NetworkRuns} (trained once,
 * kept in the results store). Writes {@code <experiment>.csv} and {@code <experiment>.png} per
 * experiment and {@code summary.md} into the output folder, and each evaluated run's curves
 * ({@code noise.csv}, {@code fgsm.csv}, {@code pgd.csv}) beside its run.json.
 */
public final class RobustnessExperiment {

  /** One point of a curve: an activation's accuracy and loss at {@code x} (depth, std or epsilon). */
  public record Point(String activation, double x, double top1, double loss, String runId) {}

  /** What one invocation produced. */
  public record Summary(Map<String, List<Point>> curves, List<String> files, int trained, int reused) {}

  private final RobustnessConfig cfg;
  private final PrintStream out;

  public RobustnessExperiment(RobustnessConfig cfg, PrintStream out) {
    this.cfg = cfg;
    this.out = out;
  }

  /** Runs the configured experiments. */
  public Summary run() throws IOException {
    Files.createDirectories(cfg.output());
    long t0 = System.nanoTime();
    Images train = Images.fashionMnist(cfg.dataset(), true, cfg.trainImages());
    Images test = Images.fashionMnist(cfg.dataset(), false, cfg.testImages());
    out.printf("robustness: %d training and %d test images from %s (%.1f s)%n", train.count(), test.count(),
        cfg.dataset(), (System.nanoTime() - t0) / 1e9);
    NetworkRuns runs = new NetworkRuns(cfg, train, test, out);
    List<int[]> networks = networks();
    int toTrain = 0;
    for (int[] n : networks) {
      toTrain += runs.isFinished(n[0], cfg.activations().get(n[1])) ? 0 : 1;
    }
    runs.plan(networks.size(), toTrain);
    out.printf("robustness: %d networks, %d to train, %d already in %s%n", networks.size(), toTrain,
        networks.size() - toTrain, cfg.results());
    int trained = 0;
    Map<String, List<Point>> curves = new LinkedHashMap<>();
    List<String> files = new ArrayList<>();
    if (cfg.runs("depth-sweep")) {
      List<Point> points = new ArrayList<>();
      for (int depth : cfg.depths()) {
        for (String act : cfg.activations()) {
          RunResult r;
          if (runs.isFinished(depth, act)) { // the record is enough: no need to load the model
            r = runs.store().read(runs.runId(depth, act)).orElseThrow();
          } else {
            r = runs.obtain(depth, act).run();
            trained++;
          }
          points.add(new Point(act, depth, r.top1(), r.loss(), r.runId()));
        }
      }
      curves.put("depth-sweep", points);
    }
    boolean attacks = cfg.runs("noise") || cfg.runs("fgsm") || cfg.runs("pgd");
    if (attacks) {
      Images attacked = test.first(cfg.adversarial().images());
      for (String act : cfg.activations()) {
        NetworkRuns.Trained t = runs.obtain(cfg.evalDepth(), act);
        trained += t.trainedNow() ? 1 : 0;
        MultiLayerNetwork twin = DepthNetwork.inferenceTwin(t.net(), cfg.network(), cfg.evalDepth(), act);
        if (cfg.runs("noise")) {
          List<Point> p = noise(t, act, test);
          curves.computeIfAbsent("noise", k -> new ArrayList<>()).addAll(p);
          writeRunCsv(t.runDir().resolve("noise.csv"), "std", p);
        }
        if (cfg.runs("fgsm")) {
          List<Point> p = new ArrayList<>();
          for (double eps : cfg.adversarial().fgsmEpsilons()) {
            INDArray adv = Attacks.fgsm(twin, attacked.features(), attacked.labels(), eps, cfg.evalBatchSize());
            p.add(point(act, eps, Accuracy.of(t.net(), attacked.withFeatures(adv), cfg.evalBatchSize()), t.runId()));
          }
          out.printf("robustness: fgsm %s depth %d: %s%n", act, cfg.evalDepth(), brief(p));
          curves.computeIfAbsent("fgsm", k -> new ArrayList<>()).addAll(p);
          writeRunCsv(t.runDir().resolve("fgsm.csv"), "epsilon", p);
        }
        if (cfg.runs("pgd")) {
          List<Point> p = new ArrayList<>();
          RobustnessConfig.Adversarial a = cfg.adversarial();
          for (double eps : a.pgdEpsilons()) {
            INDArray adv = Attacks.pgd(twin, attacked.features(), attacked.labels(), eps, a.pgdSteps(), a.stepFor(eps),
                cfg.evalBatchSize());
            p.add(point(act, eps, Accuracy.of(t.net(), attacked.withFeatures(adv), cfg.evalBatchSize()), t.runId()));
          }
          out.printf("robustness: pgd (%d steps) %s depth %d: %s%n", a.pgdSteps(), act, cfg.evalDepth(), brief(p));
          curves.computeIfAbsent("pgd", k -> new ArrayList<>()).addAll(p);
          writeRunCsv(t.runDir().resolve("pgd.csv"), "epsilon", p);
        }
      }
    }
    for (Map.Entry<String, List<Point>> e : curves.entrySet()) {
      files.addAll(write(e.getKey(), e.getValue()));
    }
    Path summary = cfg.output().resolve("summary.md");
    Files.writeString(summary, RobustnessSummary.markdown(cfg, curves), StandardCharsets.UTF_8);
    files.add(summary.getFileName().toString());
    return new Summary(curves, files, trained, networks.size() - trained);
  }

  private List<Point> noise(NetworkRuns.Trained t, String act, Images test) {
    List<Point> p = new ArrayList<>();
    for (int i = 0; i < cfg.noiseStds().size(); i++) {
      double std = cfg.noiseStds().get(i);
      INDArray noisy = Attacks.gaussianNoise(test.features(), std, cfg.seed() * 7919L + i);
      p.add(point(act, std, Accuracy.of(t.net(), test.withFeatures(noisy), cfg.evalBatchSize()), t.runId()));
    }
    out.printf("robustness: noise %s depth %d: %s%n", act, cfg.evalDepth(), brief(p));
    return p;
  }

  /** The distinct (depth, activation index) pairs this invocation needs, in training order. */
  private List<int[]> networks() {
    List<int[]> list = new ArrayList<>();
    if (cfg.runs("depth-sweep")) {
      for (int d : cfg.depths()) {
        for (int a = 0; a < cfg.activations().size(); a++) {
          list.add(new int[] {d, a});
        }
      }
    }
    boolean attacks = cfg.runs("noise") || cfg.runs("fgsm") || cfg.runs("pgd");
    if (attacks && !(cfg.runs("depth-sweep") && cfg.depths().contains(cfg.evalDepth()))) {
      for (int a = 0; a < cfg.activations().size(); a++) {
        list.add(new int[] {cfg.evalDepth(), a});
      }
    }
    return list;
  }

  private static Point point(String act, double x, Accuracy a, String runId) {
    return new Point(act, x, a.top1(), a.loss(), runId);
  }

  private static String brief(List<Point> p) {
    StringBuilder sb = new StringBuilder();
    for (Point q : p) {
      sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s -> %.2f%%",
          RobustnessSummary.number(q.x()), 100 * q.top1()));
    }
    return sb.toString();
  }

  /** {@code <name>.csv} and {@code <name>.png}; returns their file names. */
  private List<String> write(String name, List<Point> points) throws IOException {
    String xName = RobustnessSummary.xName(name);
    StringBuilder csv = new StringBuilder(Csv.line(List.of("activation", xName, "top1", "loss", "run_id")));
    for (Point p : points) {
      csv.append(Csv.line(List.of(p.activation(), RobustnessSummary.number(p.x()), p.top1(), p.loss(), p.runId())));
    }
    Files.writeString(cfg.output().resolve(name + ".csv"), csv.toString(), StandardCharsets.UTF_8);
    double[] xs = points.stream().mapToDouble(Point::x).distinct().sorted().toArray();
    Map<String, double[]> series = new LinkedHashMap<>();
    for (String act : cfg.activations()) {
      double[] ys = new double[xs.length];
      Arrays.fill(ys, Double.NaN);
      for (Point p : points) {
        if (p.activation().equals(act)) {
          ys[Arrays.binarySearch(xs, p.x())] = 100 * p.top1();
        }
      }
      series.put(act, ys);
    }
    Files.write(cfg.output().resolve(name + ".png"),
        LinePlot.png(RobustnessSummary.title(name, cfg), xName, xs, series, name.equals("depth-sweep") ? 1 : 0));
    return List.of(name + ".csv", name + ".png");
  }

  private static void writeRunCsv(Path file, String xName, List<Point> points) throws IOException {
    StringBuilder csv = new StringBuilder(Csv.line(List.of(xName, "top1", "loss")));
    for (Point p : points) {
      csv.append(Csv.line(List.of(RobustnessSummary.number(p.x()), p.top1(), p.loss())));
    }
    Files.writeString(file, csv.toString(), StandardCharsets.UTF_8);
  }
}
