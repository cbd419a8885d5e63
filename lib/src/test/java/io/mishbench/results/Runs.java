package io.mishbench.results;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Run records for the results tests: complete ones with per-epoch metrics, config and provenance. */
final class Runs {

  private Runs() {}

  /** A COMPLETE run of {@code epochs} epochs whose top-1 climbs linearly to {@code top1}. */
  static RunResult complete(String model, String act, String aug, long seed, double top1, double top5, int epochs) {
    List<RunResult.EpochMetrics> em = new ArrayList<>();
    for (int e = 1; e <= epochs; e++) {
      Double t1 = e == 2 && epochs > 2 ? null : e == epochs ? top1 : top1 * e / epochs; // epoch 2 of longer runs is not evaluated
      em.add(new RunResult.EpochMetrics(e, 10.0 * e, 100L * e, 10.0, 3, 2.5 / e, 0.01, t1, t1 == null ? null : top5,
          t1 == null ? null : 1.5, t1 == null ? 0 : 1.0, 11.0 * e, e == 1 ? null : 0.25, null));
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("width", 0.5);
    config.put("depth", 1.0);
    config.put("resolution", 16);
    config.put("training.optimizer", "adam");
    config.put("training.learning-rate", 0.01);
    config.put("training.batch-size-per-worker", 8);
    config.put("training.workers", 2);
    Map<String, String> provenance = Map.of("git.commit", "abc123", "java.version", "17.0.9", "cores", "2");
    return new RunResult(id(model, act, aug, seed), RunResult.Status.COMPLETE, model, act, aug, seed, config,
        provenance, em, top1, top5, 1.2, "2026-01-01T00:00:00Z", "2026-01-01T00:10:00Z", null, 11.0 * epochs, 10.0,
        0.5, top1 >= 0.5 ? 11.0 : null, top1 >= 0.5 ? 1 : null, null, 1);
  }

  /** A DIVERGED run: the loss went NaN at step 17 of epoch 2. */
  static RunResult diverged(String model, String act, String aug, long seed) {
    RunResult c = complete(model, act, aug, seed, 0.3, 0.6, 1);
    return new RunResult(c.runId(), RunResult.Status.DIVERGED, model, act, aug, seed, c.config(), c.provenance(),
        c.epochs(), null, null, null, c.startedAt(), c.finishedAt(), null, c.wallSeconds(), c.imagesPerSecond(), null,
        null, null, new RunResult.Divergence(2, 17, "NaN"), 1);
  }

  static String id(String model, String act, String aug, long seed) {
    return model + "-" + act.replace(':', '_') + "-" + aug + "-s" + seed;
  }
}
