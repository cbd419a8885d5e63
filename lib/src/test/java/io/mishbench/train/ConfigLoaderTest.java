package io.mishbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.config.ConfigValidationException;
import io.mishbench.data.AugmentSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  private Path write(String text) throws Exception {
    Path f = dir.resolve("exp.conf");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void reportsEveryProblemAtOnceWithItsKeyPath() throws Exception {
    Path f = write("""
        dataset = /data/x
        results = /results
        model = resnet999
        activation = gelu
        trainig { epochs = 3 }
        training { workers = 0, batch-size-per-worker = -4, learning-rate = "fast" }
        grid.seeds = []
        """);
    ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> ConfigLoader.load(f, List.of()));
    List<String> p = e.problems();
    assertEquals(7, p.size(), "problems: " + p);
    assertTrue(p.stream().anyMatch(s -> s.startsWith("trainig.epochs: unknown key")), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("model: unknown model 'resnet999'; known: resnet20")), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("activation: unknown activation 'gelu'; known: mish")), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.equals("training.workers: must be in [1, 4096], got 0")), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.equals("training.batch-size-per-worker: must be in [1, 65536], got -4")), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("training.learning-rate: wrong type")), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.equals("grid.seeds: must not be empty")), p.toString());
    assertTrue(e.getMessage().contains("7 problem(s)"), e.getMessage());
  }

  @Test
  void repeatedGridEntriesAreRefusedNotDropped() throws Exception {
    Path f = write("dataset = /d\nresults = /r\ngrid.activations = [mish, Mish]\ngrid.seeds = [1, 1]\n");
    List<String> p = assertThrows(ConfigValidationException.class, () -> ConfigLoader.load(f, List.of())).problems();
    assertEquals(List.of("grid.activations: has duplicates: [mish, mish]", "grid.seeds: has duplicates: [1, 1]"), p);
  }

  @Test
  void recordsCannotBeBuiltOutOfRange() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ExperimentConfig.Training(
        3, 2, 16, 5, "sgd", 0.1, 1.0, 5e-4, 64, ExperimentConfig.Schedule.CONSTANT, 1, 0));
    assertEquals("momentum must be in [0.0, 1.0), got 1.0", e.getMessage());
  }

  @Test
  void unknownKeyAloneIsRejected() throws Exception {
    Path f = write("dataset = /d\nresults = /r\nlearning-rate = 0.1\n");
    ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> ConfigLoader.load(f, List.of()));
    assertEquals(List.of("learning-rate: unknown key"), e.problems());
  }

  @Test
  void missingDatasetIsRequired() throws Exception {
    Path f = write("results = /r\n");
    ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> ConfigLoader.load(f, List.of()));
    assertEquals(1, e.problems().size());
    assertTrue(e.problems().get(0).startsWith("dataset: "), e.problems().toString());
  }

  @Test
  void setOverridesWinAndAreValidatedToo() throws Exception {
    Path f = write("dataset = /d\nresults = \"hdfs://nn:8020/results\"\n");
    ExperimentConfig c =
        ConfigLoader.load(f, List.of("training.epochs=7", "activation=LeakyReLU", "grid.activations=[mish, swish]",
            "dataset=s3a://bucket/prepared"));
    assertEquals(7, c.training().epochs());
    assertEquals("leakyrelu", c.cell().activation());
    assertEquals(List.of("mish", "swish"), c.grid().activations());
    assertEquals("s3a://bucket/prepared", c.dataset().toString());
    assertEquals("hdfs://nn:8020/results", c.results().toString());
    assertThrows(ConfigValidationException.class, () -> ConfigLoader.load(f, List.of("training.epochs=0")));
    assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(f, List.of("no-equals-sign")));
  }

  @Test
  void gridExpandsModelsAugmentationsActivationsSeeds() throws Exception {
    Path f = write("dataset = /d\nresults = /r\ngrid { models = [resnet20, cspresnet50], activations = [mish, swish], seeds = [1, 2] }\n");
    assertEquals(8, ConfigLoader.load(f, List.of()).cells().size());
  }

  @Test
  void shippedConfigsAreValid() {
    Path conf = Path.of(System.getProperty("user.dir")).getParent().resolve("conf");
    for (String name : List.of("quickstart.conf", "fashion-mnist.conf", "cifar10-resnet20.conf", "paper-table.conf")) {
      ExperimentConfig c = ConfigLoader.load(conf.resolve(name), List.of());
      assertTrue(c.cells().size() >= 6, name + " should hold at least 2 rows or seeds x 3 activations");
      assertEquals(List.of("leakyrelu", "swish", "mish"), c.grid().activations(), name);
    }
    ExperimentConfig paper = ConfigLoader.load(conf.resolve("paper-table.conf"), List.of());
    assertEquals(7 * 3, paper.cells().size(), "the paper's seven rows x three activations");
    assertEquals(new ExperimentConfig.Row("spinenet49", "paper"), paper.grid().rows().get(0));
    assertEquals(new ExperimentConfig.Row("cspresnext50", "paper"), paper.grid().rows().get(2));
    assertEquals(0.1 * Math.pow(0.5, 4), paper.training().schedule().build(0.1, 1000, 120).at(500), 1e-12);
    assertEquals(3, ConfigLoader.load(conf.resolve("fashion-mnist.conf"), List.of()).grid().seeds().size());
  }

  @Test
  void scheduleOptimizerRowsAndTargetAreReadAndChecked() throws Exception {
    Path f = write("""
        dataset = /d
        results = /r
        training { epochs = 10, optimizer = nesterov, eval-every = 2, target-top1 = 0.7,
                   lr-schedule { kind = step, milestones = [3, 6], gamma = 0.5 } }
        grid { activations = [mish], rows = ["resnet20/none", "resnet20/basic"], seeds = [1, 2] }
        """);
    ExperimentConfig c = ConfigLoader.load(f, List.of());
    assertEquals("nesterov", c.training().optimizer());
    assertEquals(List.of(3, 6), c.training().schedule().milestones());
    assertEquals(0.7, c.training().target());
    assertTrue(c.training().evaluates(2) && !c.training().evaluates(3) && c.training().evaluates(10));
    assertEquals(List.of(new ExperimentConfig.Cell("resnet20", "mish", "none", 1),
        new ExperimentConfig.Cell("resnet20", "mish", "none", 2), new ExperimentConfig.Cell("resnet20", "mish", "basic", 1),
        new ExperimentConfig.Cell("resnet20", "mish", "basic", 2)), c.cells());

    Path bad = write("""
        dataset = /d
        results = /r
        training { epochs = 10, optimizer = rmsprop, target-top1 = 1.5, eval-every = 0,
                   lr-schedule { kind = linear, milestones = [6, 3, 11], min = 1 } }
        grid { rows = ["resnet20", "nosuchnet/none", "resnet20/fancy"] }
        """);
    List<String> p = assertThrows(ConfigValidationException.class, () -> ConfigLoader.load(bad, List.of())).problems();
    assertTrue(p.contains("training.optimizer: unknown optimizer 'rmsprop'; known: sgd, nesterov, adam"), p.toString());
    assertTrue(p.contains("training.target-top1: must be in [0.0, 1.0], got 1.5"), p.toString());
    assertTrue(p.contains("training.eval-every: must be in [1, 10000], got 0"), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("training.lr-schedule.kind: unknown learning-rate schedule 'linear'")), p.toString());
    assertTrue(p.contains("training.lr-schedule.milestones: milestones must increase, got [6, 3, 11]"), p.toString());
    assertTrue(p.contains("training.lr-schedule.min: must be below training.learning-rate (0.05), got 1.0"), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("grid.rows: a row is \"model/augmentation\"")), p.toString());
  }

  @Test
  void builtInPresetsResolveForEveryCell() throws Exception {
    Path f = write("dataset = /d\nresults = /r\naugmentation = paper\n"
        + "grid.augmentations = [none, basic, paper, cutmix, mixup]\n");
    ExperimentConfig c = ConfigLoader.load(f, List.of());
    assertEquals(AugmentSettings.PAPER, c.augmentSettings(c.cell()));
    assertEquals(List.of("none", "basic", "paper", "cutmix", "mixup"), List.copyOf(c.augmentations().keySet()));
    for (ExperimentConfig.Cell cell : c.cells()) {
      assertEquals(AugmentSettings.preset(cell.augmentation()), c.augmentSettings(cell));
    }
    AugmentSettings paper = c.augmentSettings("paper");
    assertEquals(0.1, paper.hue());
    assertEquals(1.5, paper.saturation());
    assertEquals(1.5, paper.exposure());
    assertEquals(0.1, paper.labelSmoothing());
    assertTrue(paper.cutmix() > 0 && paper.mosaic() > 0 && paper.randomResizedCrop() && paper.flip() == 0.5);
    AugmentSettings none = c.augmentSettings("none");
    assertTrue(!none.randomResizedCrop() && none.flip() == 0 && !none.jitters() && !none.mixes());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.augmentSettings("fancy"));
    assertEquals("unknown augmentation 'fancy'; known: none, basic, paper, cutmix, mixup", e.getMessage());
  }

  @Test
  void customPresetsOverrideKeysOfTheirBase() throws Exception {
    Path f = write("""
        dataset = /d
        results = /r
        augmentation = mine
        augmentation-presets {
          mine { base = paper, cutmix = 0 }
          mine-flipless { base = mine, flip = 0, crop-scale = [0.25, 1] }
          just-flip { flip = 1.0 }
        }
        grid.augmentations = [paper, mine, mine-flipless, just-flip]
        """);
    ExperimentConfig c = ConfigLoader.load(f, List.of());
    AugmentSettings mine = AugmentSettings.PAPER.toBuilder().cutmix(0).build();
    assertEquals(mine, c.augmentSettings(c.cell()));
    assertEquals(mine.toBuilder().flip(0).cropScale(0.25, 1).build(), c.augmentSettings("mine-flipless"));
    assertEquals(AugmentSettings.NONE.toBuilder().flip(1).build(), c.augmentSettings("just-flip"));
    assertEquals(4, c.cells().size() / 3);
    // --set reaches into a preset; its value is validated like the file's
    ExperimentConfig set = ConfigLoader.load(f, List.of("augmentation-presets.mine.mosaic=0.5"));
    assertEquals(0.5, set.augmentSettings("mine").mosaic());
    ConfigValidationException e = assertThrows(ConfigValidationException.class,
        () -> ConfigLoader.load(f, List.of("augmentation-presets.mine.mixup=0.9")));
    assertEquals(1, e.problems().size(), "mine-flipless inherits the problem without repeating it: " + e.problems());
    assertTrue(e.problems().get(0).startsWith(
        "augmentation-presets.mine.cutmix + mixup + mosaic: must be at most 1 (each image gets at most one of them)"),
        e.problems().toString());
  }

  @Test
  void presetProblemsAreReportedWithTheirPaths() throws Exception {
    Path f = write("""
        dataset = /d
        results = /r
        augmentation = broken
        augmentation-presets {
          broken { base = paper, cutmx = 0.5, flip = 1.5, hue = strong, crop-scale = [0.5, 0.2] }
          orphan { base = fancy }
          paper { cutmix = 0 }
          loop-a { base = loop-b }
          loop-b { base = loop-a }
          crowded { cutmix = 0.5, mixup = 0.5, mosaic = 0.5, saturation = 0.5, crop-aspect = [1] }
        }
        grid.augmentations = [none, fancy, orphan]
        """);
    ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> ConfigLoader.load(f, List.of()));
    List<String> p = e.problems();
    String known = "none, basic, paper, cutmix, mixup, broken, crowded, loop-a, loop-b, orphan";
    List<String> expected = List.of(
        "augmentation-presets.paper: 'paper' is a built-in preset; give yours another name",
        "augmentation-presets.broken.cutmx: unknown key; known: base, random-resized-crop, crop-scale, crop-aspect,"
            + " flip, hue, saturation, exposure, cutmix, cutmix-alpha, mixup, mixup-alpha, mosaic, label-smoothing",
        "augmentation-presets.broken.crop-scale: must be [min, max] with 0 < min <= max <= 1, got [0.5, 0.2]",
        "augmentation-presets.broken.flip: must be in [0, 1], got 1.5",
        "augmentation-presets.crowded.crop-aspect: must be [min, max], got [1.0]",
        "augmentation-presets.crowded.saturation: must be in [1, 10], got 0.5",
        "augmentation-presets.crowded.cutmix + mixup + mosaic: must be at most 1 (each image gets at most one of"
            + " them), got 1.5",
        "augmentation-presets.loop-b.base: presets form a cycle: loop-a -> loop-b -> loop-a",
        "augmentation-presets.orphan.base: unknown augmentation 'fancy'; known: " + known,
        "grid.augmentations: unknown augmentation 'fancy'; known: " + known);
    for (String x : expected) {
      assertTrue(p.contains(x), "missing problem:\n  " + x + "\nin:\n  " + String.join("\n  ", p));
    }
    assertTrue(p.stream().anyMatch(s -> s.startsWith("augmentation-presets.broken.hue: wrong type")), p.toString());
    assertEquals(expected.size() + 1, p.size(), "one problem each, none about the cell naming 'broken':\n" + p);
  }

  @Test
  void presetsBlockMustBeAnObjectOfObjects() throws Exception {
    Path f = write("dataset = /d\nresults = /r\naugmentation-presets = 3\n");
    ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> ConfigLoader.load(f, List.of()));
    assertEquals(1, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().get(0).startsWith("augmentation-presets: wrong type"), e.problems().toString());
    Path g = write("dataset = /d\nresults = /r\naugmentation-presets { mine = paper, Fancy { flip = 1 } }\n");
    ConfigValidationException e2 = assertThrows(ConfigValidationException.class, () -> ConfigLoader.load(g, List.of()));
    assertEquals(List.of(
        "augmentation-presets.Fancy: a preset name is a lower-case letter followed by up to 39 lower-case letters,"
            + " digits, '_' or '-'",
        "augmentation-presets.mine: must be an object of preset keys, got string"), e2.problems());
  }

  @Test
  void resolutionIsZeroOrWithinRange() throws Exception {
    Path f = write("dataset = /d\nresults = /r\n");
    ExperimentConfig dflt = ConfigLoader.load(f, List.of());
    assertEquals(0, dflt.resolution());
    assertEquals(28, dflt.inputResolution(28));
    ExperimentConfig set = ConfigLoader.load(f, List.of("resolution=224"));
    assertEquals(224, set.inputResolution(256));
    for (String bad : List.of("4", "2048", "-1")) {
      ConfigValidationException e =
          assertThrows(ConfigValidationException.class, () -> ConfigLoader.load(f, List.of("resolution=" + bad)));
      assertEquals(List.of("resolution: must be 0 (the prepared dataset's image size) or in [8, 1024], got " + bad),
          e.problems());
    }
  }
}
