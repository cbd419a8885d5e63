package io.mishbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.results.RunResult;
import io.mishbench.train.ExperimentConfig.Cell;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Reports inside an epoch: when they go out, what they say, and the line GridProgress prints. */
class TrainingProgressTest {

  static final Cell CELL = new Cell("resnet20", "mish", "none", 1);

  final AtomicLong now = new AtomicLong(0);
  final List<TrainingProgress.Round> reports = new ArrayList<>();

  final RunProgress sink = new RunProgress() {
    @Override
    public void epochDone(RunResult run, int epochs) {}

    @Override
    public void roundDone(TrainingProgress.Round round) {
      synchronized (reports) { // the timer test reports from the timer's thread
        reports.add(round);
      }
    }
  };

  private void at(double seconds) {
    now.set((long) (seconds * 1e9));
  }

  @Test
  void reportsEveryNRoundsWithRatesAndTimeLeft() {
    try (TrainingProgress p = new TrainingProgress(CELL, sink, 0, 3, now::get)) {
      p.onEpochStart(2, 5, 10, 1000, 100); // 10 rounds of 100 images
      at(10);
      p.onRound(1, 2.5);
      at(20);
      p.onRound(2, 2.4);
      assertTrue(reports.isEmpty(), "no report before 3 rounds");
      at(30);
      p.onRound(3, 2.3);
      assertEquals(1, reports.size());
      TrainingProgress.Round r = reports.get(0);
      assertEquals(3, r.roundsDone());
      assertEquals(10, r.roundsTotal());
      assertEquals(300, r.imagesDone());
      assertEquals(10.0, r.imagesPerSecond(), 1e-9, "300 images in 30 s");
      assertEquals(2.3, r.loss(), 1e-12);
      assertEquals(70.0, r.epochSecondsLeft(), 1e-9, "7 rounds left at 10 s each");
      assertEquals(100.0, r.epochSecondsEstimate(), 1e-9);
      assertEquals(2, r.epoch());
      assertEquals(5, r.epochs());
      at(40);
      p.onRound(4, Double.NaN);
      assertEquals(1, reports.size());
      at(60);
      p.onRound(6, Double.NaN); // rounds may be told late and skip
      assertEquals(2, reports.size());
      assertEquals(2.3, reports.get(1).loss(), 1e-12, "an unknown loss keeps the last one");
      p.onEpochEnd(9.5, 2.0, 0.01, 0.42);
      p.onRound(7, 1.0);
      assertEquals(2, reports.size(), "nothing after the epoch ended");
    }
  }

  @Test
  void theTimerReportsWhenARoundTakesLongerThanTheInterval() {
    try (TrainingProgress p = new TrainingProgress(CELL, sink, 60, 1000, now::get)) {
      p.onEpochStart(1, 1, 4, 400, 100);
      at(59);
      p.tick();
      assertTrue(reports.isEmpty());
      at(61);
      p.tick();
      assertEquals(1, reports.size(), "a report after a minute without any round");
      assertEquals(0, reports.get(0).roundsDone());
      assertTrue(Double.isNaN(reports.get(0).imagesPerSecond()), "no rate before the first round");
      at(90);
      p.tick();
      assertEquals(1, reports.size(), "the next one a minute after the last");
      at(100);
      p.onRound(1, 3.0);
      at(125);
      p.tick();
      assertEquals(2, reports.size());
      assertEquals(375.0, reports.get(1).epochSecondsLeft(), 1e-9, "3 rounds left at the 125 s the first took");
    }
  }

  @Test
  void theRealTimerFires() throws Exception {
    try (TrainingProgress p = new TrainingProgress(CELL, sink, 1, 1000, System::nanoTime)) {
      p.onEpochStart(1, 1, 4, 400, 100);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (reportsSize() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(reportsSize() > 0, "the timer reported within 10 s");
    }
  }

  private int reportsSize() {
    synchronized (reports) {
      return reports.size();
    }
  }

  @Test
  void gridProgressPrintsRoundsRatesLossAndTimeLeftForEpochCellAndGrid() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<Cell> cells = List.of(CELL, new Cell("resnet20", "swish", "none", 1));
    GridProgress grid = new GridProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), cells,
        new boolean[] {true, true}, 3);
    try (TrainingProgress p = new TrainingProgress(CELL, grid.cell(0), 0, 1, now::get)) {
      p.onEpochStart(1, 3, 10, 1000, 100);
      at(60);
      p.onRound(2, 1.23456);
    }
    // epoch: 8 rounds x 30 s; cell: + 2 epochs x 300 s; grid: + 3 epochs x 300 s of the next cell
    assertEquals("[cell 1/2] resnet20/none mish seed 1 | epoch 1/3 | round 2/10 | 3.3 img/s | loss 1.2346"
        + " | epoch ~4m00s left | cell ~14m00s left | grid ~29m00s left",
        bytes.toString(StandardCharsets.UTF_8).trim());
  }
}
