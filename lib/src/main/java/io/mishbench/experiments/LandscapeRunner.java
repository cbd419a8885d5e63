package io.mishbench.experiments;

import io.mishbench.fs.HadoopFiles;
import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The {@code landscape} experiment: the output landscape of every activation and the loss landscape
 * around every checkpoint, run or freshly trained network, written to the output folder as
 * {@code output-landscape-<activation>.png/.csv}, {@code loss-landscape-<network>.png/.csv} and
 * {@code summary.md}. {@link #check} finds every bad input before any work.
 */
public final class LandscapeRunner {

  private LandscapeRunner() {}

  /**
   * A network to look around.
   *
   * @param label file-name part and table label
   * @param activation its activation (from the run record; "?" for a bare checkpoint)
   * @param source where it came from, for the summary
   * @param network the loaded network (null until trained, for networks trained here)
   * @param side input side for image networks
   */
  public record Target(String label, String activation, String source, LandscapeNetwork network, int side) {}

  /** Checked input: the settings and the loaded checkpoints and runs. */
  public record Plan(LandscapeSettings settings, List<Target> targets) {}

  /** What was written. */
  public record Result(Path summary, List<Path> files, String markdown) {}

  /**
   * Checks everything that can be wrong before any work and loads the named checkpoints and runs.
   *
   * @throws IllegalArgumentException listing every problem: a model file that does not exist or is not a
   *     DL4J model, a run not in the store or not COMPLETE or without its model, a network whose input
   *     or output does not fit Fashion-MNIST, missing data files
   */
  public static Plan check(LandscapeSettings s, Configuration conf) {
    List<String> problems = new ArrayList<>();
    List<Target> targets = new ArrayList<>();
    LandscapeSettings.Loss l = s.loss();
    if (l.enabled()) {
      try {
        LandscapeData.check(l.data(), LandscapeData.Split.TEST);
        if (l.trainsOwn()) {
          LandscapeData.check(l.data(), LandscapeData.Split.TRAIN);
        }
      } catch (IllegalArgumentException e) {
        problems.add("loss-landscape.data: " + e.getMessage());
      }
      for (URI checkpoint : l.checkpoints()) {
        try {
          LandscapeNetwork net = LandscapeNetwork.load(checkpoint, conf);
          String name = new org.apache.hadoop.fs.Path(checkpoint).getName().replaceFirst("\\.zip$", "");
          String base = name;
          for (int k = 2; names(targets).contains(name); k++) { // two files called model.zip: model, model-2
            name = base + "-" + k;
          }
          targets.add(new Target(name, "?", "checkpoint " + checkpoint, net, LandscapeTraining.RESOLUTION));
        } catch (IllegalArgumentException | UncheckedIOException e) {
          problems.add("loss-landscape.checkpoints: " + e.getMessage());
        }
      }
      ResultsStore store = l.runs().isEmpty() ? null : new ResultsStore(s.results(), conf);
      for (String id : l.runs()) {
        String p = "loss-landscape.runs: run " + id;
        ResultsStore.Lookup found = store.lookup(id);
        if (found instanceof ResultsStore.Lookup.Missing) {
          problems.add(p + " is not in the results store " + s.results());
        } else if (found instanceof ResultsStore.Lookup.Corrupt c) {
          problems.add(p + " has a corrupt record " + c.file() + ": " + c.reason());
        } else if (found instanceof ResultsStore.Lookup.Found f) {
          RunResult r = f.run();
          URI model = HadoopFiles.child(store.runDir(id), LandscapeTraining.MODEL_FILE);
          if (r.status() != RunResult.Status.COMPLETE) {
            problems.add(p + " is " + r.status() + ", not COMPLETE: only a finished run has its final model");
          } else if (!LandscapeTraining.exists(model, conf)) {
            problems.add(p + " is COMPLETE but has no " + model);
          } else {
            try {
              int side = r.config() != null && r.config().get("resolution") instanceof Number n && n.intValue() > 0
                  ? n.intValue() : LandscapeTraining.RESOLUTION;
              targets.add(new Target(id, r.activation(), "run " + id, LandscapeNetwork.load(model, conf), side));
            } catch (IllegalArgumentException | UncheckedIOException e) {
              problems.add(p + ": " + e.getMessage());
            }
          }
        }
      }
      if (problems.isEmpty()) {
        for (Target t : targets) {
          String fit = fitsFashionMnist(t, l.data());
          if (fit != null) {
            problems.add("loss-landscape: " + t.source() + ": " + fit);
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("bad landscape input:\n  - " + String.join("\n  - ", problems));
    }
    return new Plan(s, targets);
  }

  private static List<String> names(List<Target> targets) {
    return targets.stream().map(Target::label).toList();
  }

  /** Null when {@code t}'s network takes a Fashion-MNIST image and outputs 10 classes, else why not. */
  private static String fitsFashionMnist(Target t, Path data) {
    try {
      DataSet one = LandscapeData.read(data, LandscapeData.Split.TEST, 1, t.network().inputShape(t.side()));
      long[] out = t.network().output(one.getFeatures()).shape();
      if (out.length != 2 || out[1] != LandscapeData.CLASSES) {
        return "the network outputs " + Arrays.toString(out) + " per batch, not the 10 classes of Fashion-MNIST";
      }
      return null;
    } catch (RuntimeException e) {
      return "the network does not take Fashion-MNIST images: " + e.getMessage();
    }
  }

  /** Runs the checked plan; {@code progress} gets a line per step. */
  public static Result run(Plan plan, Configuration conf, Consumer<String> progress) {
    LandscapeSettings s = plan.settings();
    Path out = s.output();
    List<Path> files = new ArrayList<>();
    StringBuilder md = new StringBuilder("# Landscapes\n\n");
    md.append("Activations: ").append(String.join(", ", s.activations())).append("; seed ").append(s.seed()).append(".\n\n");
    try {
      Files.createDirectories(out);
      if (s.outputLandscape().enabled()) {
        outputLandscapes(s, out, files, md, progress);
      }
      if (s.loss().enabled()) {
        lossLandscapes(plan, conf, out, files, md, progress);
      }
      Path summary = out.resolve("summary.md");
      Files.writeString(summary, md.toString(), StandardCharsets.UTF_8);
      files.add(summary);
      return new Result(summary, files, md.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write into " + out + ": " + e.getMessage(), e);
    }
  }

  private static void outputLandscapes(LandscapeSettings s, Path out, List<Path> files, StringBuilder md,
      Consumer<String> progress) throws IOException {
    LandscapeSettings.Output o = s.outputLandscape();
    String arch = "2-" + o.hidden().stream().map(String::valueOf).reduce((a, b) -> a + "-" + b).orElse("") + "-1";
    md.append("## Output landscape\n\n")
        .append(String.format(Locale.ROOT, "A random MLP %s (Xavier weights, N(0, 1) biases, seed %d, float64), the activation after every"
            + " hidden layer%s, on a %d x %d grid over [%s, %s]^2, min-max scaled to a grey PNG (black: lowest output). Smoothness of"
            + " the scaled image: mean |second difference| along x and y, and mean total variation |dx| + |dy|, per grid"
            + " step (lower is smoother). The CSV keeps every %s point along each axis.%n%n",
            arch, s.seed(), o.outputActivation() ? " and the output" : " (the output unit linear)", o.resolution(), o.resolution(), num(o.min()), num(o.max()),
            o.csvStride() == 1 ? "" : o.csvStride() + "th"))
        .append("| activation | mean abs second difference | total variation | output min | output max | PNG |\n")
        .append("| --- | ---: | ---: | ---: | ---: | --- |\n");
    for (String a : s.activations()) {
      long t0 = System.nanoTime();
      OutputLandscape land = OutputLandscape.compute(a, o.hidden(), s.seed(), o.outputActivation(), o.min(), o.max(),
          o.resolution());
      String base = "output-landscape-" + fileName(a);
      Path png = out.resolve(base + ".png");
      Files.write(png, land.png());
      Path csv = out.resolve(base + ".csv");
      Files.writeString(csv, land.csv(o.csvStride()), StandardCharsets.UTF_8);
      files.add(png);
      files.add(csv);
      OutputLandscape.Smoothness sm = land.smoothness();
      md.append(String.format(Locale.ROOT, "| %s | %.3e | %.3e | %.4g | %.4g | %s%s |%n", a, sm.meanAbsSecondDifference(),
          sm.totalVariation(), sm.min(), sm.max(), png.getFileName(),
          sm.max() > sm.min() ? "" : " (flat: the output is constant on the grid, e.g. a dead ReLU output unit)"));
      progress.accept(String.format(Locale.ROOT, "output landscape %s: %d x %d in %.1f s -> %s", a, o.resolution(),
          o.resolution(), (System.nanoTime() - t0) / 1e9, png));
    }
    md.append('\n');
  }

  private static void lossLandscapes(Plan plan, Configuration conf, Path out, List<Path> files, StringBuilder md,
      Consumer<String> progress) throws IOException {
    LandscapeSettings s = plan.settings();
    LandscapeSettings.Loss l = s.loss();
    List<Target> targets = new ArrayList<>(plan.targets());
    if (l.trainsOwn()) {
      ResultsStore store = new ResultsStore(s.results(), conf);
      for (String a : s.activations()) {
        LandscapeTraining.Trained t = LandscapeTraining.trainedOrReused(s, a, store, conf, progress);
        targets.add(new Target(a, a, (t.reused() ? "reused run " : "trained run ") + t.run().runId(),
            LandscapeNetwork.load(t.model(), conf), LandscapeTraining.RESOLUTION));
      }
    }
    md.append("## Loss landscape\n\n")
        .append(String.format(Locale.ROOT, "Li et al. 2018: loss L(theta + a d1 + b d2) for a, b on a %d x %d grid over"
            + " [%s, %s], d1 and d2 Gaussian directions (seed %d) with every filter scaled to the norm of the trained"
            + " filter; biases and batch-norm parameters get a zero direction. Loss: mean cross-entropy of the first %d"
            + " Fashion-MNIST test images, batch norm in inference mode. Sharpness: the discrete Laplacian of L at the"
            + " centre, (L(h,0) + L(-h,0) + L(0,h) + L(0,-h) - 4 L(0,0)) / h^2.%n%n",
            l.resolution(), l.resolution(), num(l.min()), num(l.max()), s.seed(), l.evalExamples()))
        .append("| network | activation | top-1 at centre | loss at centre | min loss (a, b) | max loss | mean loss"
            + " | corner mean | sharpness | source | PNG |\n")
        .append("| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |\n");
    for (Target t : targets) {
      DataSet eval = LandscapeData.read(l.data(), LandscapeData.Split.TEST, l.evalExamples(), t.network().inputShape(t.side()));
      LossLandscape land = LossLandscape.compute(t.network(), eval, l.min(), l.max(), l.resolution(), s.seed(), t.label(),
          progress);
      String base = "loss-landscape-" + fileName(t.label());
      Path png = out.resolve(base + ".png");
      Files.write(png, LossLandscapePlot.png(land, t.label()));
      Path csv = out.resolve(base + ".csv");
      Files.writeString(csv, land.csv(), StandardCharsets.UTF_8);
      files.add(png);
      files.add(csv);
      LossLandscape.Stats st = land.stats();
      md.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f | %.4f (%s, %s) | %.4g | %.4g | %.4g | %.4g | %s | %s |%n",
          t.label(), t.activation(), st.centreTop1(), st.centre(), st.min(), num(st.minA()), num(st.minB()), st.max(),
          st.mean(), st.corners(), st.sharpness(), t.source(), png.getFileName()));
      progress.accept("loss landscape " + t.label() + " -> " + png);
    }
    md.append('\n');
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.3g", v);
  }

  /** A label as a file-name part: anything but letters, digits, '.', '_' and '-' becomes '_'. */
  static String fileName(String label) {
    return label.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
