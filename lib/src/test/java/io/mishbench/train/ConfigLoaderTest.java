package io.mishbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    for (String name : List.of("quickstart.conf")) {
      ExperimentConfig c = ConfigLoader.load(conf.resolve(name), List.of());
      assertTrue(c.cells().size() >= 6, name + " should hold at least 2 models x 3 activations");
    }
  }
}
