package io.mishbench.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AggregatorTest {

  @TempDir Path dir;

  private final Configuration conf = new Configuration();

  /** A store with 2 seeds x (LReLU, Mish), one Swish, one cspresnext50 run, a DIVERGED run and a corrupt record. */
  private Path store() throws Exception {
    Path root = dir.resolve("results");
    ResultsStore store = new ResultsStore(root.toUri(), conf);
    store.write(Runs.complete("resnet20", "mish", "none", 1, 0.60, 0.90, 3));
    store.write(Runs.complete("resnet20", "mish", "none", 2, 0.62, 0.91, 3));
    store.write(Runs.complete("resnet20", "leakyrelu", "none", 1, 0.58, 0.89, 3));
    store.write(Runs.complete("resnet20", "leakyrelu", "none", 2, 0.59, 0.90, 3));
    store.write(Runs.complete("resnet20", "swish", "none", 1, 0.61, 0.90, 3));
    store.write(Runs.complete("cspresnext50", "mish", "none", 1, 0.70, 0.93, 2));
    store.write(Runs.diverged("resnet20", "swish", "none", 2));
    Path corrupt = root.resolve("runs/broken-run");
    Files.createDirectories(corrupt);
    Files.writeString(corrupt.resolve("run.json"), "{\"runId\": \"broken-run\", \"status\": ");
    Files.createDirectories(root.resolve("runs/no-model"));
    Files.writeString(root.resolve("runs/no-model/run.json"), "{\"runId\": \"no-model\", \"status\": \"COMPLETE\"}");
    Files.createDirectories(root.resolve("runs/being-set-up"));
    return root;
  }

  @Test
  void writesEveryOutputAndReportsWhatIsNotComplete() throws Exception {
    Path out = dir.resolve("out");
    Aggregate a = Aggregator.aggregate(store().toUri(), out.toUri(), conf, true);
    List<String> expected = List.of("comparison.md", "comparison.csv", "comparison.tex", "differences.md",
        "differences.csv", "runs.csv", "runs.parquet", "epochs.csv", "paper-comparison.md", "bars.png",
        "curves-cspresnext50-none.png", "curves-resnet20-none.png", "report.html");
    assertEquals(expected, a.files());
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(expected.stream().sorted().toList(), files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertTrue(Files.readString(out.resolve("comparison.md")).contains("| resnet20 | none | 58.5 ± 0.7 (2) |"));
    assertTrue(Files.readString(out.resolve("differences.md")).contains("| resnet20 | none | Mish − LReLU | 2 | +2.50 |"));
    assertEquals(8, Files.readAllLines(out.resolve("runs.csv")).size(), "header + 7 readable runs");
    assertTrue(Files.readString(out.resolve("paper-comparison.md")).contains("| cspresnext50 | none | Mish | none | 78.9 | 70.0 (1) |"));
    PlotsTest.decode(Files.readAllBytes(out.resolve("bars.png")));

    assertEquals(2, a.scan().unreadable().size());
    assertTrue(a.scan().unreadable().get(0).path().endsWith("runs/broken-run/run.json"), a.scan().unreadable().toString());
    assertTrue(a.scan().unreadable().get(0).reason().contains("end-of-input"), a.scan().unreadable().get(0).reason());
    assertEquals("no model, activation, augmentation", a.scan().unreadable().get(1).reason());
    List<String> warnings = a.warnings();
    assertEquals(3, warnings.size(), warnings.toString());
    assertEquals("run resnet20-swish-none-s2 is DIVERGED (epoch 2, step 17): loss NaN; left out of the table",
        warnings.get(0));
    assertTrue(warnings.get(1).startsWith("unreadable run record ") && warnings.get(1).contains("broken-run"), warnings.get(1));

    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("<td>resnet20-swish-none-s2</td><td>DIVERGED</td><td>2</td><td>17</td><td>loss NaN</td>"), html);
    assertTrue(html.contains("broken-run/run.json"));
    assertTrue(html.contains("abc123 (7 runs)") && html.contains("<td>git.commit</td>"), "provenance summary");
    assertTrue(html.contains("<strong>61.0 ± 1.4 (2)</strong>"), "best activation in bold");
    assertEquals(3, html.split("src=\"data:image/png;base64,", -1).length - 1, "bars + 2 curve plots inline");
    assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script"), "self-contained");
  }

  @Test
  void noCompleteRunIsAnErrorNamingTheStore() throws Exception {
    Path root = dir.resolve("empty");
    new ResultsStore(root.toUri(), conf).write(Runs.diverged("resnet20", "mish", "none", 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Aggregator.aggregate(root.toUri(), dir.resolve("o").toUri(), conf));
    assertEquals("no complete runs under " + root.toUri() + " (1 readable run records, 0 unreadable)", e.getMessage());
  }

  @Test
  void twoAggregatesAtOnceIntoOneFolderBothSucceedWithCompleteIdenticalFiles() throws Exception {
    Path root = store();
    Path reference = dir.resolve("reference");
    Aggregator.aggregate(root.toUri(), reference.toUri(), conf, true);
    Path shared = dir.resolve("shared");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Aggregate>> futures = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Callable<Aggregate> job = () -> Aggregator.aggregate(root.toUri(), shared.toUri(), new Configuration(), true);
        futures.add(pool.submit(job));
      }
      for (Future<Aggregate> f : futures) {
        assertEquals(13, f.get().files().size());
      }
    } finally {
      pool.shutdownNow();
    }
    try (Stream<Path> files = Files.list(shared)) {
      List<Path> written = files.sorted().toList();
      assertEquals(13, written.size(), "no temporary file left: " + written);
      for (Path p : written) {
        assertArrayEquals(Files.readAllBytes(reference.resolve(p.getFileName())), Files.readAllBytes(p), p.toString());
      }
    }
  }
}
