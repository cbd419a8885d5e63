package io.mishbench.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunResult;
import io.mishbench.config.ConfigValidationException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad landscape input is refused before any work, naming the key and the value. */
class LandscapeInputTest {

  @TempDir Path dir;

  static LandscapeSettings settings(String hocon) {
    return LandscapeSettings.fromConfig(ConfigFactory.parseString(hocon), "test");
  }

  static Stream<Arguments> badConfigs() {
    return Stream.of(
        Arguments.of("landscape.output-landscape.resolution = 1",
            "landscape.output-landscape.resolution: must be in [2, 4000], got 1"),
        Arguments.of("landscape.loss-landscape.resolution = 1",
            "landscape.loss-landscape.resolution: must be in [2, 1001], got 1"),
        Arguments.of("landscape.loss-landscape.range = [1, 1]",
            "landscape.loss-landscape.range: min must be below max, got [1.0, 1.0]"),
        Arguments.of("landscape.loss-landscape.range = [2, -1]",
            "landscape.loss-landscape.range: min must be below max, got [2.0, -1.0]"),
        Arguments.of("landscape.output-landscape { min = 3, max = 3 }",
            "landscape.output-landscape.max: must be above landscape.output-landscape.min (3.0), got 3.0"),
        Arguments.of("landscape.activations = [mish, gelu]", "landscape.activations: unknown activation 'gelu'"),
        Arguments.of("landscape.loss-landscape.train.model = vgg16", "unknown model 'vgg16'; known: cnn, resnet20"),
        Arguments.of("landscape.loss-landscape.grid = 3", "landscape.loss-landscape.grid: unknown key"));
  }

  @ParameterizedTest
  @MethodSource("badConfigs")
  void badConfigNamesKeyAndValue(String hocon, String message) {
    ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> settings(hocon));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void everyProblemIsReportedAtOnceAndOtherBlocksAreIgnored() {
    ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> settings(
        "robustness { anything = 1 }\nlandscape { activations = [foo], loss-landscape.resolution = 0 }"));
    assertEquals(2, e.problems().size(), e.getMessage());
    LandscapeSettings s = settings("robustness { anything = 1 }\nlandscape.activations = [Mish, relu]");
    assertEquals(List.of("mish", "relu"), s.activations());
    assertEquals(400, s.outputLandscape().resolution());
    assertTrue(s.loss().trainsOwn());
  }

  @Test
  void shippedConfigsHoldValidLandscapeBlocks() {
    Path conf = Path.of(System.getProperty("user.dir")).getParent().resolve("conf");
    LandscapeSettings paper = LandscapeSettings.load(conf.resolve("robustness.conf"), List.of());
    assertEquals(400, paper.outputLandscape().resolution());
    assertEquals(51, paper.loss().resolution());
    assertEquals("resnet20", paper.loss().train().model());
    assertEquals(1.0, paper.loss().train().width());
    LandscapeSettings quick = LandscapeSettings.load(conf.resolve("robustness-quick.conf"), List.of());
    assertEquals(List.of("mish", "swish", "leakyrelu", "relu"), quick.activations());
    assertTrue(quick.loss().trainsOwn());
  }

  private LandscapeSettings withModels(String checkpoints, String runs) {
    return settings("landscape.loss-landscape { checkpoints = " + checkpoints + ", runs = " + runs + ", results = \""
        + dir.resolve("store") + "\" }");
  }

  private static String refusal(LandscapeSettings s) {
    return assertThrows(IllegalArgumentException.class, () -> LandscapeRunner.check(s, new Configuration())).getMessage();
  }

  @Test
  void checkpointsThatAreNotModelsAreRefusedSayingWhy() throws Exception {
    Path missing = dir.resolve("missing.zip");
    Path text = Files.writeString(dir.resolve("notes.zip"), "not a zip at all");
    Path zip = dir.resolve("other.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      z.putNextEntry(new ZipEntry("readme.txt"));
      z.write(1);
    }
    String msg = refusal(withModels("[\"" + missing + "\", \"" + text + "\", \"" + zip + "\"]", "[]"));
    assertTrue(msg.contains(io.mishbench.fs.HadoopFiles.resolve(missing.toString()) + " does not exist"), msg);
    assertTrue(msg.contains(io.mishbench.fs.HadoopFiles.resolve(text.toString()) + " is not a DL4J model: not a zip file"), msg);
    assertTrue(msg.contains(io.mishbench.fs.HadoopFiles.resolve(zip.toString()) + " is not a DL4J model: a zip without configuration.json"), msg);
  }

  @Test
  void runsMustBeInTheStoreAndComplete() throws Exception {
    ResultsStore store = new ResultsStore(dir.resolve("store").toUri(), new Configuration());
    store.write(RunResult.of("half-done", RunResult.Status.RUNNING, "cnn", "mish", "none", 1, null, null));
    store.write(RunResult.of("no-model", RunResult.Status.COMPLETE, "cnn", "mish", "none", 1, 0.5, 0.9));
    String msg = refusal(withModels("[]", "[nowhere, half-done, no-model]"));
    assertTrue(msg.contains("run nowhere is not in the results store"), msg);
    assertTrue(msg.contains("run half-done is RUNNING, not COMPLETE"), msg);
    assertTrue(msg.contains("run no-model is COMPLETE but has no"), msg);
  }

  @Test
  void aModelThatDoesNotTakeFashionMnistIsRefused() throws Exception {
    // the random MLP takes 2 inputs, not images
    Path mlp = dir.resolve("mlp.zip");
    try (OutputStream out = Files.newOutputStream(mlp)) {
      ModelSerializer.writeModel(OutputLandscape.network("relu", List.of(4), 1), out, false);
    }
    String msg = refusal(withModels("[\"" + mlp + "\"]", "[]"));
    assertTrue(msg.contains("does not take Fashion-MNIST"), msg);
  }
}
