package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/** {@code mishbench bench-data}: one JSON object with the per-image times, and bad input refused. */
class BenchDataCommandTest {

  @Test
  void printsOneJsonObjectWithPerImageTimes() throws Exception {
    MainTest.Outcome o = MainTest.run("bench-data", "--images", "6", "--batch", "4", "--resolution", "32",
        "--short-side", "48", "--classes", "10", "--seed", "3");
    assertEquals(0, o.code(), o.err());
    assertEquals(1, o.out().lines().count(), o.out());
    JsonNode j = new ObjectMapper().readTree(o.out());
    assertEquals(32, j.get("resolution").asInt());
    assertEquals(6, j.get("images").asInt());
    assertEquals(4, j.get("batch").asInt());
    assertEquals("paper", j.get("preset").asText());
    assertEquals("64x48", j.get("source").asText());
    for (String key : List.of("decode_ms_per_image", "augment_ms_per_image", "batch_ms_per_image", "total_ms_per_image",
        "images_per_sec_per_core", "jpeg_kb_per_image")) {
      assertTrue(j.get(key).isNumber() && j.get(key).asDouble() > 0, key + " in " + o.out());
    }
    double total = j.get("decode_ms_per_image").asDouble() + j.get("augment_ms_per_image").asDouble()
        + j.get("batch_ms_per_image").asDouble();
    assertEquals(total, j.get("total_ms_per_image").asDouble(), 0.003, o.out());
    assertEquals(1000 / j.get("total_ms_per_image").asDouble(), j.get("images_per_sec_per_core").asDouble(),
        0.01 * j.get("images_per_sec_per_core").asDouble(), o.out());
  }

  @Test
  void badInputIsRefusedWithTheLimit() {
    MainTest.Outcome preset = MainTest.run("bench-data", "--preset", "fancy", "--images", "1");
    assertEquals(Main.BAD_INPUT, preset.code());
    assertTrue(preset.err().contains("unknown augmentation 'fancy'; known: none, basic, paper, cutmix, mixup"), preset.err());
    MainTest.Outcome images = MainTest.run("bench-data", "--images", "0");
    assertEquals(Main.BAD_INPUT, images.code());
    assertTrue(images.err().contains("images, batch and classes must be >= 1, got 0"), images.err());
    MainTest.Outcome res = MainTest.run("bench-data", "--resolution", "4");
    assertEquals(Main.BAD_INPUT, res.code());
    assertTrue(res.err().contains("--resolution must be in [8, 1024], got 4"), res.err());
  }
}
