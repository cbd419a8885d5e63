package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code mishbench activations} and {@code bench-activations} as a user runs them. */
class ActivationsCommandTest {

  @TempDir Path dir;

  @Test
  void printsTheIssuesCsv() {
    MainTest.Outcome o = MainTest.run("activations", "--activation", "mish", "--dtype", "float32",
        "--from", "-100", "--to", "100", "--step", "0.5");
    assertEquals(0, o.code(), o.err());
    List<String> lines = o.out().lines().toList();
    assertEquals("x,f,df", lines.get(0));
    assertEquals(402, lines.size(), "header + 401 points");
    assertEquals("-100.0", lines.get(1).split(",")[0]);
    assertEquals("0.0,0.0,0.6", lines.get(201));
    assertEquals("100.0,100.0,1.0", lines.get(401));
    for (String line : lines.subList(1, lines.size())) {
      String[] v = line.split(",");
      assertEquals(3, v.length, line);
      for (String s : v) {
        assertTrue(Double.isFinite(Double.parseDouble(s)), line);
      }
      assertTrue(Double.parseDouble(v[1]) >= -0.30885, "Mish is bounded below: " + line);
    }
  }

  @Test
  void float64CsvHasDoubleDigits() {
    MainTest.Outcome o = MainTest.run("activations", "--activation", "swish", "--dtype", "float64",
        "--from", "1", "--to", "1", "--step", "1");
    assertEquals(0, o.code(), o.err());
    String[] row = o.out().lines().toList().get(1).split(",");
    double s = 1 / (1 + Math.exp(-1));
    assertEquals("1.0", row[0]);
    assertEquals(s, Double.parseDouble(row[1]), 1e-15, "swish(1) = sigmoid(1)");
    assertEquals(s * (1 + (1 - s)), Double.parseDouble(row[2]), 1e-15, "swish'(1)");
    assertTrue(row[1].length() > 12, "float64 values keep their digits: " + row[1]);
  }

  @Test
  void plotsSeveralActivations() throws Exception {
    Path png = dir.resolve("figure1.png");
    MainTest.Outcome o = MainTest.run("activations", "--activation", "mish,swish", "--activation", "leakyrelu",
        "--step", "0.01", "--plot", png.toString());
    assertEquals(0, o.code(), o.err());
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, "a readable PNG");
    assertEquals(1000, image.getWidth());
    // Mish's colour (the palette's first, 0xd62728) is on the canvas
    boolean red = false;
    for (int x = 0; x < image.getWidth() && !red; x++) {
      for (int y = 0; y < image.getHeight() && !red; y++) {
        red = (image.getRGB(x, y) & 0xffffff) == 0xd62728;
      }
    }
    assertTrue(red, "the Mish curve is drawn");
    assertTrue(Files.list(dir).allMatch(p -> p.equals(png)), "no temporary files left");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "--activation gelu",
      "--activation leakyrelu:-3",
      "--activation mish --dtype int8",
      "--activation mish --step 0",
      "--activation mish --from 2 --to 1",
      "--activation mish --from NaN",
      "--activation mish --step 1e-9",
      "--activation mish,swish",
      "--activation mish --plot out.txt"})
  void badInputIsOneLineAndExitCode2(String args) {
    MainTest.Outcome o = MainTest.run(("activations " + args).split(" "));
    assertEquals(Main.BAD_INPUT, o.code(), o.err());
    assertTrue(o.err().startsWith("mishbench activations: error: ") && o.err().strip().lines().count() == 1, o.err());
    assertEquals("", o.out());
  }

  @Test
  void benchActivationsReportsEveryCandidate() {
    MainTest.Outcome o = MainTest.run("bench-activations", "--elements", "100000", "--repeats", "1");
    assertEquals(0, o.code(), o.err());
    List<String> lines = o.out().lines().toList();
    assertEquals(8, lines.size(), o.out());
    assertTrue(lines.get(0).startsWith("{\"implementation\":\"mishbench\",\"activation\":\"mish\""), lines.get(0));
    assertTrue(lines.get(0).contains("\"kernel\":\"vector-"), lines.get(0));
    assertTrue(lines.get(7).startsWith("{\"implementation\":\"dl4j\",\"activation\":\"relu\""), lines.get(7));
  }
}
