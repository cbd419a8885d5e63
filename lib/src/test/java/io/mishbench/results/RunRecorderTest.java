package io.mishbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.results.RunResult.EpochMetrics;
import io.mishbench.results.RunResult.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One lifecycle for every trainer: reuse, model-less COMPLETE, DIVERGED, corrupt records, FAILED. */
class RunRecorderTest {

  @TempDir Path dir;

  private final RunRecorder.Identity identity =
      new RunRecorder.Identity("cnn", "mish", "none", 3, Map.of("training.epochs", 2));

  private ResultsStore store() {
    return new ResultsStore(dir.toUri(), new Configuration());
  }

  private static EpochMetrics epoch(int n, double top1) {
    return new EpochMetrics(n, 2.0, 100, 50.0, 0, 0.5, 0.1, top1, 0.9, 0.7, 1.0, 0, null, null);
  }

  private RunResult trainToTheEnd(RunRecorder r, boolean withModel) {
    assertEquals(1, r.start(null, Map.of("trainer", "test"), List.of("trainer")));
    assertEquals(Status.RUNNING, store().read(r.runId()).orElseThrow().status());
    r.epoch(epoch(1, 0.4), null);
    r.epoch(epoch(2, 0.6), null);
    if (withModel) {
      r.saveModel(out -> out.write("model".getBytes(StandardCharsets.UTF_8)));
    }
    return r.complete();
  }

  @Test
  void aCompleteRunIsReusedOnlyWithItsModelWhenTheCallerNeedsIt() {
    List<String> notes = new ArrayList<>();
    RunResult done = trainToTheEnd(RunRecorder.open(store(), null, identity, 0.5, true, notes::add), false);
    assertEquals(Status.COMPLETE, done.status());
    assertEquals(0.6, done.top1());
    assertEquals(6.0, done.wallSeconds(), 1e-12, "train + eval seconds of both epochs");
    assertEquals(2, done.epochToTarget(), "the first epoch at or above the target");
    assertEquals("test", done.provenance().get("attempt.1.trainer"));

    assertNotNull(RunRecorder.open(store(), null, identity, 0.5, false, notes::add).finished(), "Spark: record only");
    RunRecorder again = RunRecorder.open(store(), null, identity, 0.5, true, notes::add);
    assertNull(again.finished(), "no model.zip: trained again");
    assertTrue(notes.get(0).contains("COMPLETE without its model.zip"), notes.toString());
    assertEquals(2, again.start(null, Map.of(), List.of()), "the next attempt");
    assertEquals(done.startedAt(), store().read(again.runId()).orElseThrow().startedAt(), "first start kept");
    trainToTheEnd2(again);
    assertSame(Status.COMPLETE, RunRecorder.open(store(), null, identity, 0.5, true, notes::add).finished().status());
    assertTrue(Files.isRegularFile(Path.of(again.modelFile())));
  }

  private void trainToTheEnd2(RunRecorder r) {
    r.epoch(epoch(1, 0.4), null);
    r.saveModel(out -> out.write(1));
    r.complete();
  }

  @Test
  void divergedIsFinalFailedIsNotAndACorruptRecordIsMovedAside() throws Exception {
    RunRecorder r = RunRecorder.open(store(), null, identity, null, true, s -> { });
    r.start(null, Map.of(), List.of());
    RuntimeException thrown = r.failed(new IOException("disk"));
    assertTrue(thrown instanceof IllegalStateException && thrown.getCause() instanceof IOException);
    assertEquals(Status.FAILED, store().read(r.runId()).orElseThrow().status());
    RunRecorder retry = RunRecorder.open(store(), null, identity, null, true, s -> { });
    assertNull(retry.finished());
    assertEquals(Status.FAILED, retry.previous().status());
    retry.start(null, Map.of(), List.of());
    retry.diverged(new RunResult.Divergence(1, 7, "NaN"));
    RunResult diverged = RunRecorder.open(store(), null, identity, null, true, s -> { }).finished();
    assertEquals(Status.DIVERGED, diverged.status());
    assertEquals(2, diverged.attempts());
    assertThrows(IllegalStateException.class,
        () -> RunRecorder.open(store(), null, identity, null, true, s -> { }).start(null, Map.of(), List.of()));

    Path json = Path.of(store().runDir(r.runId())).resolve(ResultsStore.RUN_FILE);
    Files.writeString(json, "{\"runId\": ");
    List<String> notes = new ArrayList<>();
    RunRecorder fresh = RunRecorder.open(store(), null, identity, null, true, notes::add);
    assertNull(fresh.finished());
    assertNull(fresh.previous());
    assertTrue(notes.get(0).contains("is corrupt") && notes.get(0).contains("from the start"), notes.toString());
    assertEquals(1, fresh.start(null, Map.of(), List.of()));
  }
}
