package io.mishbench.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Networks trained for a loss landscape are runs in the results store, and a rerun reuses them. */
class LandscapeTrainingTest {

  @TempDir Path dir;

  @Test
  void aCompleteRunIsReusedWithoutTouchingItsRecord() throws Exception {
    LandscapeSettings s = LandscapeSettings.fromConfig(ConfigFactory.parseString(
        "landscape { seed = 4, loss-landscape { results = \"" + dir.resolve("store") + "\", eval-examples = 64,"
            + " train { model = cnn, width = 0.5, examples = 128, epochs = 1, batch-size = 32 } } }"), "test");
    Configuration conf = new Configuration();
    ResultsStore store = new ResultsStore(s.results(), conf);
    List<String> lines = new ArrayList<>();

    LandscapeTraining.Trained first = LandscapeTraining.trainedOrReused(s, "swish", store, conf, lines::add);
    assertFalse(first.reused());
    RunResult r = first.run();
    assertEquals(RunResult.Status.COMPLETE, r.status());
    assertEquals(LandscapeTraining.runId(s, "swish"), r.runId());
    assertTrue(r.runId().startsWith("cnn-swish-none-s4-"), r.runId());
    assertEquals(1, r.epochs().size());
    assertTrue(r.top1() != null && r.top5() != null && r.loss() != null, r.toString());
    assertEquals("landscape", r.config().get("purpose"));
    assertTrue(r.provenance().containsKey("java.version") && r.provenance().containsKey("trainer"), r.provenance().toString());
    Path runJson = Path.of(store.runDir(r.runId())).resolve(ResultsStore.RUN_FILE);
    Path model = Path.of(first.model());
    assertTrue(Files.isRegularFile(model));
    assertEquals(LandscapeNetwork.Kind.MULTI_LAYER_NETWORK, LandscapeNetwork.inspect(first.model(), conf));

    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(runJson, old);
    Files.setLastModifiedTime(model, old);
    byte[] before = Files.readAllBytes(runJson);
    LandscapeTraining.Trained second = LandscapeTraining.trainedOrReused(s, "swish", store, conf, lines::add);
    assertTrue(second.reused());
    assertEquals(r.runId(), second.run().runId());
    assertEquals(r.startedAt(), second.run().startedAt());
    assertEquals(r.loss(), second.run().loss());
    assertArrayEquals(before, Files.readAllBytes(runJson));
    assertEquals(old, Files.getLastModifiedTime(runJson), "run.json untouched");
    assertEquals(old, Files.getLastModifiedTime(model), "model.zip untouched");
    assertTrue(lines.stream().anyMatch(l -> l.contains("reusing COMPLETE run " + r.runId())), lines.toString());

    // another setting is another run
    LandscapeSettings other = LandscapeSettings.fromConfig(ConfigFactory.parseString(
        "landscape { seed = 5, loss-landscape { results = \"" + dir.resolve("store") + "\" } }"), "test");
    assertFalse(LandscapeTraining.runId(other, "swish").equals(r.runId()));

    // the reused run's model looks like the trained one: the loss at its centre is its recorded loss
    LandscapeNetwork net = LandscapeNetwork.load(second.model(), conf);
    var eval = LandscapeData.read(LossLandscapeTest.DATA, LandscapeData.Split.TEST, 64, net.inputShape(28));
    assertEquals(r.loss(), LossLandscape.evaluate(net, eval)[0], 1e-12);
  }
}
