package io.mishbench.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.config.ConfigValidationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The robustness block: defaults, the shipped files, and every kind of bad input with its key path. */
class RobustnessConfigTest {

  @TempDir Path dir;

  private Path file(String text) throws Exception {
    Path f = dir.resolve("r.conf");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void shippedFilesLoadAndQuickIsSmall() {
    RobustnessConfig paper = RobustnessConfig.load(Path.of("../conf/robustness.conf"), List.of());
    assertEquals(List.of(12, 14, 16, 18, 20, 22), paper.depths());
    assertEquals(500, paper.network().denseWidth());
    assertEquals(10, paper.training().epochs());
    assertEquals(List.of("mish", "swish", "leakyrelu", "relu"), paper.activations());
    RobustnessConfig quick = RobustnessConfig.load(Path.of("../conf/robustness-quick.conf"), List.of());
    assertTrue(quick.trainImages() > 0 && quick.trainImages() <= 5000, "quick trains on a few thousand images");
    assertEquals(quick.output().resolve("store"), quick.results(), "results default to <output>/store");
  }

  @Test
  void overridesAndOtherBlocksAreAccepted() throws Exception {
    Path f = file("robustness { seed = 3 }\nlandscape { anything = 1 }\n");
    RobustnessConfig c = RobustnessConfig.load(f, List.of("robustness.depth-sweep.depths=[1, 3]",
        "robustness.activations=[LeakyReLU]"));
    assertEquals(3, c.seed());
    assertEquals(List.of(1, 3), c.depths());
    assertEquals(List.of("leakyrelu"), c.activations());
    assertEquals(0.02, new RobustnessConfig.Adversarial(0, List.of(0.0), List.of(0.0), 10, 0).stepFor(0.08), 1e-12,
        "step 0 means 2.5 eps / steps");
  }

  static Stream<Arguments> badInput() {
    return Stream.of(
        Arguments.of("robustness.adversarial.fgsm-epsilons=[0, -0.1]", "robustness.adversarial.fgsm-epsilons",
            "-0.1"),
        Arguments.of("robustness.adversarial.pgd-epsilons=[-1]", "robustness.adversarial.pgd-epsilons", ">= 0"),
        Arguments.of("robustness.noise.stds=[0, -2]", "robustness.noise.stds", "-2.0"),
        Arguments.of("robustness.noise.stds=[]", "robustness.noise.stds", "must not be empty"),
        Arguments.of("robustness.depth-sweep.depths=[0, 2]", "robustness.depth-sweep.depths", "got 0"),
        Arguments.of("robustness.depth-sweep.depths=[-3]", "robustness.depth-sweep.depths", "got -3"),
        Arguments.of("robustness.depth-sweep.depths=[]", "robustness.depth-sweep.depths", "must not be empty"),
        Arguments.of("robustness.eval-depth=0", "robustness.eval-depth", "[1, 200]"),
        Arguments.of("robustness.activations=[mish, gelu]", "robustness.activations", "gelu"),
        Arguments.of("robustness.activations=[]", "robustness.activations", "must not be empty"),
        Arguments.of("robustness.experiments=[fgsm, cw]", "robustness.experiments", "unknown experiment 'cw'"),
        Arguments.of("robustness.dataset=/no/such/fashion", "robustness.dataset", "does not exist: /no/such/fashion"),
        Arguments.of("robustness.network.dropout=1", "robustness.network.dropout", "[0.0, 1.0)"),
        Arguments.of("robustness.adversarial.pgd-steps=0", "robustness.adversarial.pgd-steps", "[1, 1000]"),
        Arguments.of("robustness.no-such-key=1", "robustness.no-such-key", "unknown key"));
  }

  @ParameterizedTest
  @MethodSource("badInput")
  void badInputNamesTheKeyAndValue(String override, String key, String detail) throws Exception {
    ConfigValidationException e = assertThrows(ConfigValidationException.class,
        () -> RobustnessConfig.load(file("robustness {}\n"), List.of(override)));
    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).startsWith(key + ":"), e.getMessage());
    assertTrue(e.problems().get(0).contains(detail), e.getMessage());
  }

  @Test
  void everyProblemIsReportedAtOnce() throws Exception {
    ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> RobustnessConfig.load(
        file("robustness { depth-sweep.depths = [0], noise.stds = [-1], adversarial.fgsm-epsilons = [-0.5] }"),
        List.of()));
    assertEquals(3, e.problems().size(), e.getMessage());
  }

  @Test
  void aFolderWithoutTheIdxFilesIsRefused() throws Exception {
    Files.createDirectories(dir.resolve("empty"));
    ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> RobustnessConfig.load(
        file("robustness {}\n"), List.of("robustness.dataset=" + dir.resolve("empty"))));
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte[.gz]"), e.getMessage());
  }
}
