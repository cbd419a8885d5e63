package io.mishbench.experiments;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** summary.md of the robustness experiments: one table per experiment, a row per x, a column per activation. */
final class RobustnessSummary {

  private RobustnessSummary() {}

  static String markdown(RobustnessConfig cfg, Map<String, List<RobustnessExperiment.Point>> curves) {
    StringBuilder sb = new StringBuilder("# Robustness (mishbench robustness)\n\n");
    sb.append(String.format(Locale.ROOT,
        "Fashion-MNIST from %s, seed %d; network: conv %s (kernel %d) + N x [Dense(%d), BatchNorm, activation,"
            + " Dropout %s]; SGD lr %s, batch %d, %d epochs. Accuracy is test top-1 (%%), loss the mean"
            + " cross-entropy. Noise: every test image; FGSM and PGD: the first %s test images, clipped to [0, 1].%n",
        cfg.dataset(), cfg.seed(), cfg.network().convChannels(), cfg.network().kernel(), cfg.network().denseWidth(),
        number(cfg.network().dropout()), number(cfg.training().learningRate()), cfg.training().batchSize(),
        cfg.training().epochs(), cfg.adversarial().images() == 0 ? "all" : String.valueOf(cfg.adversarial().images())));
    for (Map.Entry<String, List<RobustnessExperiment.Point>> e : curves.entrySet()) {
      sb.append("\n## ").append(title(e.getKey(), cfg)).append("\n\n");
      sb.append("Plot: ").append(e.getKey()).append(".png, data: ").append(e.getKey()).append(".csv\n\n");
      sb.append("| ").append(xName(e.getKey()));
      for (String act : cfg.activations()) {
        sb.append(" | ").append(act).append(" acc | ").append(act).append(" loss");
      }
      sb.append(" |\n|---");
      sb.append("|---:|---:".repeat(cfg.activations().size())).append("|\n");
      List<Double> xs = e.getValue().stream().map(RobustnessExperiment.Point::x).distinct().sorted().toList();
      for (double x : xs) {
        sb.append("| ").append(number(x));
        for (String act : cfg.activations()) {
          RobustnessExperiment.Point p = e.getValue().stream()
              .filter(q -> q.activation().equals(act) && q.x() == x).findFirst().orElse(null);
          sb.append(p == null ? " | - | -" : String.format(Locale.ROOT, " | %.2f | %.4f", 100 * p.top1(), p.loss()));
        }
        sb.append(" |\n");
      }
    }
    return sb.toString();
  }

  static String title(String experiment, RobustnessConfig cfg) {
    return switch (experiment) {
      case "depth-sweep" -> "Test accuracy (%) by depth (dense blocks)";
      case "noise" -> "Test accuracy (%) under Gaussian input noise, depth " + cfg.evalDepth();
      case "fgsm" -> "FGSM: accuracy (%) by epsilon, depth " + cfg.evalDepth();
      case "pgd" -> "PGD (" + cfg.adversarial().pgdSteps() + " steps): accuracy (%) by epsilon, depth " + cfg.evalDepth();
      default -> experiment;
    };
  }

  static String xName(String experiment) {
    return switch (experiment) {
      case "depth-sweep" -> "depth";
      case "noise" -> "std";
      default -> "epsilon";
    };
  }

  /** A number without a trailing ".0" for whole values. */
  static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
  }
}
