package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.model.ModelZoo;
import org.junit.jupiter.api.Test;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/** {@code mishbench models}: every zoo model counted, and bad input refused before anything is built. */
class ModelsCommandTest {

  @Test
  void jsonListsEveryModelWithItsCounts() throws Exception {
    MainTest.Outcome o = MainTest.run("models", "--resolution", "256", "--classes", "1000", "--format", "json");
    assertEquals(0, o.code(), o.err());
    JsonNode models = new ObjectMapper().readTree(o.out());
    assertEquals(ModelZoo.NAMES.size(), models.size(), o.out());
    for (int i = 0; i < models.size(); i++) {
      JsonNode m = models.get(i);
      assertEquals(ModelZoo.NAMES.get(i), m.get("name").asText());
      assertTrue(m.get("weights").asLong() > 0 && m.get("weights").asLong() < m.get("params").asLong(), m.toString());
      assertTrue(m.get("macs").asLong() > m.get("weights").asLong(), m.toString());
      assertEquals(256, m.get("resolution").asInt());
      assertEquals(1000, m.get("classes").asInt());
    }
  }

  /** SpineNet-49 at 224: 21,998,784 convolution and dense weights, 3.48G MACs (SpineNetTest checks the paper's). */
  @Test
  void spinenet49IsListedAt224() throws Exception {
    MainTest.Outcome o = MainTest.run("models", "--model", "spinenet49", "--resolution", "224", "--classes", "1000",
        "--format", "json");
    assertEquals(0, o.code(), o.err());
    JsonNode m = new ObjectMapper().readTree(o.out()).get(0);
    assertEquals("spinenet49", m.get("name").asText());
    assertEquals(21_998_784L, m.get("weights").asLong(), m.toString());
    assertEquals(3.48e9, m.get("macs").asDouble(), 0.01e9, m.toString());
  }

  @Test
  void tableHasAHeaderAndOneRowPerModel() {
    MainTest.Outcome o = MainTest.run("models", "--model", "resnet20", "--resolution", "32", "--classes", "10");
    assertEquals(0, o.code(), o.err());
    assertEquals(2, o.out().lines().count(), o.out());
    assertTrue(o.out().lines().toList().get(1).startsWith("resnet20"), o.out());
  }

  @Test
  void modelsThatDoNotFitTheResolutionAreNamedNotFatal() {
    MainTest.Outcome o = MainTest.run("models", "--resolution", "96", "--classes", "10");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().lines().anyMatch(l -> l.startsWith("resnet20 ")), o.out());
    assertTrue(o.out().lines().noneMatch(l -> l.startsWith("spinenet49")), o.out());
    assertTrue(o.err().contains("not listed at --resolution 96: spinenet49 (needs >= 128 pixels"), o.err());
    assertEquals(ModelZoo.NAMES.size(), o.out().lines().count(), "a header and every model but spinenet49");
  }

  @Test
  void badInputNamesTheLimit() {
    MainTest.Outcome unknown = MainTest.run("models", "--model", "vgg16");
    assertEquals(Main.BAD_INPUT, unknown.code());
    assertTrue(unknown.err().contains("known: resnet20"), unknown.err());
    MainTest.Outcome small = MainTest.run("models", "--model", "cspresnet50", "--resolution", "4");
    assertEquals(Main.BAD_INPUT, small.code());
    assertTrue(small.err().contains(">= 32"), small.err());
    MainTest.Outcome spine = MainTest.run("models", "--model", "spinenet49", "--resolution", "96");
    assertEquals(Main.BAD_INPUT, spine.code());
    assertTrue(spine.err().contains(">= 128") && spine.err().contains("level, 7"), spine.err());
    MainTest.Outcome classes = MainTest.run("models", "--classes", "0");
    assertEquals(Main.BAD_INPUT, classes.code());
    assertTrue(classes.err().contains("classes must be >= 2, got 0"), classes.err());
    assertEquals(Main.BAD_INPUT, MainTest.run("models", "--format", "xml").code());
  }
}
