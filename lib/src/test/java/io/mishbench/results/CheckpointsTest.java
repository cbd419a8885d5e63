package io.mishbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.fs.HadoopFiles;
import io.mishbench.results.RunResult.EpochMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Checkpoints fail safe: a damaged model zip is found before it is trusted, the run falls back to the
 * previous good checkpoint or starts over, and checkpoint.json cannot point outside the run's folder.
 */
class CheckpointsTest {

  @TempDir Path dir;
  private final Configuration conf = new Configuration();
  private Checkpoints checkpoints;
  private ComputationGraph net;

  @BeforeEach
  void setUp() {
    checkpoints = new Checkpoints(new ResultsStore(dir.toUri(), conf), conf);
    net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).updater(new Sgd(0.1)).graphBuilder()
        .addInputs("in")
        .addLayer("d", new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.TANH).build(), "in")
        .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nIn(8).nOut(3).activation(Activation.SOFTMAX)
            .build(), "d")
        .setOutputs("out").build());
    net.init();
  }

  private static Checkpoints.State state(int epoch) {
    List<EpochMetrics> epochs = new ArrayList<>();
    for (int e = 1; e <= epoch; e++) {
      epochs.add(new EpochMetrics(e, 1, 10, 10, 1, 0.5, 0.1, null, null, null, 0, e, null, null));
    }
    return new Checkpoints.State("r", epoch, Checkpoints.modelFile(epoch), 10L * epoch, new Checkpoints.Rng(1, epoch + 1),
        epochs, "1970-01-01T00:00:00Z", 1, null, null, null, null, null);
  }

  private Path file(String name) {
    return dir.resolve("runs/r").resolve(name);
  }

  private void damage(String name, boolean truncate) throws Exception {
    byte[] b = Files.readAllBytes(file(name));
    if (truncate) {
      Files.write(file(name), Arrays.copyOf(b, b.length / 2));
    } else {
      b[b.length / 2] ^= 0x01;
      Files.write(file(name), b);
    }
  }

  @Test
  void theLatestGoodCheckpointIsResumedAndTheOneBeforeItIsKept() throws Exception {
    checkpoints.save(net, state(1));
    checkpoints.save(net, state(2));
    checkpoints.save(net, state(3));
    assertFalse(Files.exists(file(Checkpoints.modelFile(1))), "only the last two model files are kept");
    Checkpoints.State s = checkpoints.read("r").orElseThrow();
    assertEquals(3, s.epoch());
    assertEquals(2, s.previous().epoch());
    assertEquals(net.params(), checkpoints.restore(s).params());
  }

  @Test
  void aDamagedLatestModelFallsBackToThePreviousCheckpoint() throws Exception {
    for (boolean truncate : new boolean[] {false, true}) {
      checkpoints.save(net, state(1));
      checkpoints.save(net, state(2));
      damage(Checkpoints.modelFile(2), truncate);
      Checkpoints.State s = checkpoints.read("r").orElseThrow();
      assertEquals(1, s.epoch(), truncate ? "truncated" : "bit flip");
      assertEquals(net.params(), checkpoints.restore(s).params());
      checkpoints.delete("r");
    }
  }

  @Test
  void withNoGoodCheckpointLeftTheRunStartsOver() throws Exception {
    checkpoints.save(net, state(1));
    checkpoints.save(net, state(2));
    damage(Checkpoints.modelFile(2), false);
    damage(Checkpoints.modelFile(1), true);
    assertEquals(Optional.empty(), checkpoints.read("r"));
    Files.writeString(file(Checkpoints.STATE_FILE), "{\"runId\": \"r\", \"epo");
    assertEquals(Optional.empty(), checkpoints.read("r"), "a half-written checkpoint.json");
  }

  @Test
  void aCheckpointOfAnEarlierVersionWithoutChecksumIsCheckedAsAZip() throws Exception {
    checkpoints.save(net, state(1));
    var json = (com.fasterxml.jackson.databind.node.ObjectNode) HadoopFiles.JSON.readTree(file(Checkpoints.STATE_FILE).toFile());
    json.remove(List.of("modelBytes", "modelCrc32c", "previous"));
    Files.writeString(file(Checkpoints.STATE_FILE), json.toPrettyString());
    assertEquals(1, checkpoints.read("r").orElseThrow().epoch());
    damage(Checkpoints.modelFile(1), true);
    assertEquals(Optional.empty(), checkpoints.read("r"));
  }

  @Test
  void aModelPathOutsideTheRunsFolderIsNotFollowed() throws Exception {
    checkpoints.save(net, state(1));
    Files.copy(file(Checkpoints.modelFile(1)), dir.resolve("elsewhere.zip"));
    String json = Files.readString(file(Checkpoints.STATE_FILE));
    Files.writeString(file(Checkpoints.STATE_FILE), json.replace("\"checkpoint-e1.zip\"", "\"../../elsewhere.zip\""));
    assertEquals(Optional.empty(), checkpoints.read("r"));
  }

  @Test
  void aCheckpointWithFieldsOfALaterVersionIsRead() throws Exception {
    checkpoints.save(net, state(1));
    checkpoints.save(net, state(2));
    var json = HadoopFiles.JSON.readTree(file(Checkpoints.STATE_FILE).toFile());
    ResultsStoreTest.addUnknownFields(json);
    Files.writeString(file(Checkpoints.STATE_FILE), json.toPrettyString());
    assertTrue(Files.readString(file(Checkpoints.STATE_FILE)).contains("addedInALaterVersion"));
    assertEquals(2, checkpoints.read("r").orElseThrow().epoch());
  }
}
