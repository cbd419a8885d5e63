package io.mishbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.ConfigFactory;
import io.mishbench.data.AugmentSettings;
import io.mishbench.experiments.LandscapeSettings;
import io.mishbench.experiments.LandscapeTraining;
import io.mishbench.experiments.NetworkRuns;
import io.mishbench.experiments.RobustnessConfig;
import io.mishbench.results.RunIds;
import io.mishbench.train.ConfigLoader;
import io.mishbench.train.ExperimentConfig;
import io.mishbench.train.ExperimentConfig.Cell;
import io.mishbench.train.SparkTrainer;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every setting that changes a trained network changes its run id, and nothing else does. Each
 * component of the config records (nested ones too) is varied in turn, to a value its record accepts,
 * and the run id must change exactly when the component is not declared as left out. A component added
 * to a config record therefore fails here until it is either in the id or declared as not changing the
 * result. The ids of results already in stores are pinned by comparing with the settings each trainer
 * recorded before they were derived from the records.
 */
class RunIdCompletenessTest {

  @TempDir Path dir;

  private static final URI DATASET = URI.create("file:/data/prepared");

  // ---------------------------------------------------------------- Spark training (train)

  private ExperimentConfig experiment(String schedule) throws Exception {
    Path f = dir.resolve("exp-" + schedule + ".conf");
    Files.writeString(f, """
        dataset = /d
        results = /r
        augmentation = paper
        training { epochs = 10, lr-schedule { kind = %s, milestones = [3, 6], warmup-steps = 5 }, target-top1 = 0.5 }
        """.formatted(schedule));
    return ConfigLoader.load(f, List.of());
  }

  private static String sparkId(ExperimentConfig cfg) {
    Cell c = cfg.cell();
    return RunIds.of(c.model(), c.activation(), c.augmentation(), c.seed(),
        SparkTrainer.settings(cfg, c, DATASET, "2026-01-01T00:00:00Z", 64));
  }

  @Test
  void sparkRunIdsCoverEveryTrainingSetting() throws Exception {
    for (String kind : List.of("constant", "step", "cosine", "poly")) {
      ExperimentConfig cfg = experiment(kind);
      String base = sparkId(cfg);
      Set<String> schedule = switch (kind) {
        case "step" -> Set.of("kind", "warmup-steps", "warmup-power", "milestones", "gamma");
        case "cosine" -> Set.of("kind", "warmup-steps", "warmup-power", "min");
        case "poly" -> Set.of("kind", "warmup-steps", "warmup-power", "power");
        default -> Set.of("kind", "warmup-steps", "warmup-power");
      };
      for (Variant<ExperimentConfig.Training> v : variants("training", cfg.training())) {
        String component = v.path().substring("training.".length());
        boolean expected = component.startsWith("schedule.")
            ? schedule.contains(component.substring("schedule.".length()))
            : !SparkTrainer.TRAINING_NOT_IN_RUN_ID.contains(component);
        String id = sparkId(with(cfg, "training", v.value()));
        assertEquals(expected, !id.equals(base), kind + " schedule: " + v.path() + " " + (expected
            ? "changes the trained network but not the run id" : "is declared as not in the id but changes it"));
      }
    }
  }

  @Test
  void sparkRunIdsCoverScaleResolutionCellAndTheCellsAugmentation() throws Exception {
    ExperimentConfig cfg = experiment("step");
    String base = sparkId(cfg);
    assertNotEquals(base, sparkId(with(cfg, "width", 0.5)));
    assertNotEquals(base, sparkId(with(cfg, "depth", 0.5)));
    assertNotEquals(base, sparkId(with(cfg, "resolution", 32)));
    for (Variant<Cell> v : variants("cell", cfg.cell())) {
      assertNotEquals(base, sparkId(with(cfg, "cell", v.value())), v.path());
    }
    AugmentSettings paper = cfg.augmentSettings(cfg.cell());
    for (Variant<AugmentSettings> v : variants("augmentation", paper)) {
      Map<String, AugmentSettings> presets = new LinkedHashMap<>(cfg.augmentations());
      presets.put("paper", v.value());
      assertNotEquals(base, sparkId(with(cfg, "augmentations", presets)), v.path());
    }
    assertEquals(base, sparkId(with(cfg, "results", URI.create("file:/elsewhere"))), "results root");
    assertEquals(base, sparkId(with(cfg, "grid", new ExperimentConfig.Grid(List.of("resnet20"), List.of("relu"),
        List.of("none"), List.of(9L)))), "the grid: the cell is what counts");
  }

  @Test
  void sparkRunIdsAreThoseRecordedBeforeTheSettingsWereDerived() throws Exception {
    for (String kind : List.of("constant", "step", "cosine", "poly")) {
      ExperimentConfig cfg = experiment(kind);
      assertEquals(legacySpark(cfg, cfg.cell()), SparkTrainer.settings(cfg, cfg.cell(), DATASET,
          "2026-01-01T00:00:00Z", 64), kind);
    }
  }

  /** SparkTrainer.settings as it was written by hand before this test (commit 5ca88ba). */
  private static Map<String, Object> legacySpark(ExperimentConfig cfg, Cell cell) {
    ExperimentConfig.Training t = cfg.training();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("dataset", DATASET.toString());
    s.put("dataset.created", "2026-01-01T00:00:00Z");
    s.put("model", cell.model());
    s.put("activation", cell.activation());
    s.put("augmentation", cell.augmentation());
    cfg.augmentSettings(cell).asMap().forEach((k, v) -> s.put("augmentation." + k, v));
    s.put("resolution", cfg.inputResolution(64));
    s.put("seed", cell.seed());
    s.put("width", cfg.width());
    s.put("depth", cfg.depth());
    s.put("training.epochs", t.epochs());
    s.put("training.workers", t.workers());
    s.put("training.batch-size-per-worker", t.batchSizePerWorker());
    s.put("training.averaging-frequency", t.averagingFrequency());
    s.put("training.optimizer", t.optimizer());
    s.put("training.learning-rate", t.learningRate());
    s.put("training.momentum", t.momentum());
    s.put("training.weight-decay", t.weightDecay());
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

  // ---------------------------------------------------------------- robustness networks (experiments)

  private RobustnessConfig robustness() {
    return new RobustnessConfig(dir.resolve("fashion"), dir.resolve("out"), dir.resolve("store"), List.of("mish"), 3,
        0, 0, List.of("depth-sweep"), new RobustnessConfig.Network(List.of(4, 8), 3, 20, 0.25),
        new RobustnessConfig.Training(2, 16, 0.05), 64, List.of(1, 2), 2, List.of(0.0, 0.1),
        new RobustnessConfig.Adversarial(0, List.of(0.0), List.of(0.1), 10, 0));
  }

  private static String robustnessId(RobustnessConfig cfg, int trainImages, int testImages) {
    return RunIds.of(NetworkRuns.model(4), "mish", "none", cfg.seed(),
        NetworkRuns.settings(cfg, trainImages, testImages, 4));
  }

  @Test
  void robustnessRunIdsCoverEveryNetworkAndTrainingSetting() {
    RobustnessConfig cfg = robustness();
    String base = robustnessId(cfg, 100, 50);
    for (Variant<RobustnessConfig> v : variants("", cfg)) {
      String top = v.path().substring(1).split("\\.")[0];
      boolean expected = top.equals("network") || top.equals("training") || top.equals("seed")
          || !NetworkRuns.NOT_IN_RUN_ID.contains(top);
      String id = robustnessId(v.value(), 100, 50);
      if (top.equals("seed")) {
        id = RunIds.of(NetworkRuns.model(4), "mish", "none", v.value().seed(), NetworkRuns.settings(v.value(), 100, 50,
            4));
      }
      assertEquals(expected, !id.equals(base), v.path() + (expected ? " changes the network but not its run id"
          : " is declared as not in the id but changes it"));
    }
    assertNotEquals(base, robustnessId(cfg, 101, 50), "images trained on");
    assertNotEquals(base, robustnessId(cfg, 100, 51), "images tested on");
    assertEquals(legacyRobustness(cfg, 100, 50, 4), NetworkRuns.settings(cfg, 100, 50, 4), "ids kept");
  }

  /** NetworkRuns.settings as it was written by hand before this test (commit 5ca88ba). */
  private static Map<String, Object> legacyRobustness(RobustnessConfig cfg, int train, int test, int depth) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("experiment", "robustness");
    s.put("dataset", cfg.dataset().toAbsolutePath().normalize().toString());
    s.put("train-images", train);
    s.put("test-images", test);
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

  // ---------------------------------------------------------------- landscape networks (experiments)

  private LandscapeSettings landscape() {
    return LandscapeSettings.fromConfig(ConfigFactory.parseString("landscape { seed = 4, loss-landscape {"
        + " data = \"" + dir.resolve("fashion") + "\", eval-examples = 64,"
        + " train { model = cnn, width = 0.5, examples = 128, epochs = 1, batch-size = 32 } } }"), "test");
  }

  @Test
  void landscapeRunIdsCoverEveryTrainingSetting() {
    LandscapeSettings s = landscape();
    String base = LandscapeTraining.runId(s, "mish");
    Set<String> inId = Set.of(".seed", ".loss.data", ".loss.eval-examples");
    for (Variant<LandscapeSettings> v : variants("", s)) {
      boolean expected = v.path().startsWith(".loss.train.") || inId.contains(v.path());
      String id = LandscapeTraining.runId(v.value(), "mish");
      assertEquals(expected, !id.equals(base), v.path() + (expected ? " changes the network but not its run id"
          : " does not change the network but changes its run id"));
    }
    assertEquals(legacyLandscape(s, "mish"), LandscapeTraining.settings(s, "mish"), "ids kept");
  }

  /** LandscapeTraining.settings as it was written by hand before this test (commit 5ca88ba). */
  private static Map<String, Object> legacyLandscape(LandscapeSettings s, String activation) {
    LandscapeSettings.Train t = s.loss().train();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("purpose", "landscape");
    m.put("dataset", s.loss().data().toAbsolutePath().toString());
    m.put("model", t.model());
    m.put("activation", activation);
    m.put("augmentation", "none");
    m.put("resolution", 28);
    m.put("seed", s.seed());
    m.put("width", t.width());
    m.put("depth", t.depth());
    m.put("training.examples", t.examples());
    m.put("training.epochs", t.epochs());
    m.put("training.batch-size", t.batchSize());
    m.put("training.optimizer", "nesterov");
    m.put("training.learning-rate", t.learningRate());
    m.put("training.momentum", t.momentum());
    m.put("training.weight-decay", t.weightDecay());
    m.put("eval.examples", s.loss().evalExamples());
    return m;
  }

  // ---------------------------------------------------------------- the variation machinery

  @Test
  void everyComponentOfANestedRecordIsVaried() {
    record Inner(int a, List<Integer> b) {}
    record Outer(String s, Inner inner, double d, boolean f) {}
    List<String> paths = variants("", new Outer("x", new Inner(1, List.of(2)), 0.5, true)).stream()
        .map(Variant::path).toList();
    assertEquals(List.of(".s", ".inner.a", ".inner.b", ".d", ".f"), paths);
  }

  /** {@code value}: {@code root} with the component at {@code path} changed. */
  record Variant<R>(String path, R value) {}

  /** One variant per leaf component of {@code r}, nested records entered, each to a value the records accept. */
  static <R extends Record> List<Variant<R>> variants(String path, R r) {
    List<Variant<R>> out = new ArrayList<>();
    for (RecordComponent c : r.getClass().getRecordComponents()) {
      String p = path + "." + RunIdsKebab.of(c.getName());
      Object v = get(r, c);
      if (v instanceof Record nested) {
        for (Variant<Record> inner : variants(p, nested)) {
          out.add(new Variant<>(inner.path(), with(r, c.getName(), inner.value())));
        }
        continue;
      }
      R changed = null;
      for (Object candidate : candidates(c.getName(), v)) {
        try {
          changed = with(r, c.getName(), candidate);
          break;
        } catch (IllegalArgumentException | NullPointerException rejected) {
          // not a value this record accepts; the next one
        }
      }
      if (changed == null) {
        fail("no accepted variation of " + p + " = " + v);
      }
      out.add(new Variant<>(p, changed));
    }
    return out;
  }

  private static final Map<String, List<String>> CHOICES = Map.of(
      "optimizer", List.of("sgd", "nesterov", "adam"),
      "kind", List.of("constant", "step", "cosine", "poly"),
      "model", List.of("resnet20", "cspresnet50", "cnn"),
      "activation", List.of("mish", "swish", "relu"),
      "augmentation", List.of("none", "basic", "paper"));

  private static List<Object> candidates(String name, Object v) {
    List<Object> c = new ArrayList<>();
    if (CHOICES.containsKey(name)) {
      CHOICES.get(name).stream().filter(x -> !x.equals(v)).forEach(c::add);
    } else if (v instanceof Integer i) {
      c.addAll(List.of(i + 1, i - 1, i * 2, 2, 1));
    } else if (v instanceof Long l) {
      c.addAll(List.of(l + 1, l - 1));
    } else if (v instanceof Double d) {
      c.addAll(List.of(d * 0.5, d + 0.01, d * 0.9, 0.5, 0.05, 0.9, 1.0));
    } else if (v instanceof Boolean b) {
      c.add(!b);
    } else if (v instanceof String s) {
      c.add(s + "x");
    } else if (v instanceof Path p) {
      c.add(p.resolveSibling(p.getFileName() + "-other"));
    } else if (v instanceof URI u) {
      c.add(URI.create(u + "-other"));
    } else if (v == null) {
      c.addAll(List.of(URI.create("file:/other"), Path.of("/other")));
    } else if (v instanceof List<?> list) {
      c.addAll(listCandidates(list));
    } else {
      fail("no variation for " + name + " of type " + v.getClass());
    }
    c.removeIf(x -> x.equals(v));
    return c;
  }

  private static List<Object> listCandidates(List<?> list) {
    List<Object> c = new ArrayList<>();
    Object first = list.isEmpty() ? null : list.get(0);
    Function<Object, Object> bump = x -> x instanceof Integer i ? (Object) (i + 1) : x instanceof Long l ? l + 1
        : x instanceof Double d ? d * 0.5 + 0.01 : x instanceof String s ? s + "x" : x;
    if (first != null) {
      List<Object> changed = new ArrayList<>(list);
      changed.set(list.size() - 1, bump.apply(list.get(list.size() - 1)));
      c.add(changed);
      List<Object> changedFirst = new ArrayList<>(list);
      changedFirst.set(0, bump.apply(first));
      c.add(changedFirst);
      if (first instanceof String) {
        for (String choice : List.of("swish", "relu", "fgsm", "noise")) {
          List<Object> more = new ArrayList<>(list);
          more.add(choice);
          c.add(more);
        }
      }
    } else {
      c.add(List.of("x"));
      c.add(List.of(URI.create("file:/x.zip")));
    }
    return c;
  }

  private static Object get(Record r, RecordComponent c) {
    try {
      return c.getAccessor().invoke(r);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code r} with component {@code name} replaced; the record's own checks apply. */
  @SuppressWarnings("unchecked")
  static <R extends Record> R with(R r, String name, Object value) {
    RecordComponent[] cs = r.getClass().getRecordComponents();
    Object[] args = new Object[cs.length];
    Class<?>[] types = new Class<?>[cs.length];
    boolean found = false;
    for (int i = 0; i < cs.length; i++) {
      types[i] = cs[i].getType();
      found |= cs[i].getName().equals(name);
      args[i] = cs[i].getName().equals(name) ? value : get(r, cs[i]);
    }
    assertTrue(found, r.getClass().getSimpleName() + " has no " + name);
    try {
      Constructor<?> k = r.getClass().getDeclaredConstructor(types);
      k.setAccessible(true);
      return (R) k.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    } catch (IllegalArgumentException wrongType) {
      throw new IllegalArgumentException("wrong type for " + name, wrongType);
    }
  }

  /** Kebab-case component names, as RunIds writes them. */
  private static final class RunIdsKebab {
    static String of(String camel) {
      return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
  }

  @Test
  void leftOutNamesMustExist() {
    assertFalse(SparkTrainer.TRAINING_NOT_IN_RUN_ID.isEmpty());
    try {
      RunIds.settingsOf("", new RobustnessConfig.Training(1, 1, 0.1), Set.of("no-such-component"));
      fail("a stale exclusion must be refused");
    } catch (IllegalArgumentException expected) {
      assertTrue(expected.getMessage().contains("no-such-component"), expected.getMessage());
    }
  }
}
