package io.mishbench.averaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The TCP ring of the ring exchange, its tasks as threads of this JVM over real sockets: the mean of
 * every task's array on every task, for ring sizes 1 to 5, lengths that do not divide into segments
 * or chunks, every floating data type and arrays that are views of a larger buffer; small values
 * gathered in rank order; a task that fails or is stopped ends its peers' transfers instead of
 * leaving them waiting.
 */
class RingTest {

  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** Opens a ring of {@code n} in threads and runs {@code body} on each; returns their results by rank. */
  private <T> List<T> onRing(int n, RingBody<T> body) throws Exception {
    List<Ring> rings = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      rings.add(new Ring(r, n, 42, () -> false));
    }
    Ring.Address[] addresses = rings.stream().map(g -> new Ring.Address("127.0.0.1", g.port()))
        .toArray(Ring.Address[]::new);
    List<Future<T>> futures = new ArrayList<>();
    for (Ring g : rings) {
      futures.add(pool.submit((Callable<T>) () -> {
        try (g) {
          g.join(addresses, 20_000);
          return body.run(g);
        }
      }));
    }
    List<T> out = new ArrayList<>();
    ExecutionException first = null;
    for (Future<T> f : futures) {
      try {
        out.add(f.get(2, TimeUnit.MINUTES));
      } catch (ExecutionException e) { // the task that failed first, not the peers it took down with it
        if (first == null || first.getCause() instanceof java.io.EOFException) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
    return out;
  }

  @FunctionalInterface
  private interface RingBody<T> {
    T run(Ring ring) throws Exception;
  }

  @ParameterizedTest(name = "{0} tasks, {1} elements, {2}")
  @CsvSource({"1, 10, FLOAT", "2, 1, FLOAT", "2, 7, FLOAT", "3, 5, DOUBLE", "3, 3000001, FLOAT", "4, 2, FLOAT",
      "5, 1048583, HALF", "4, 0, FLOAT"})
  void everyTaskEndsWithTheMeanOfAllTasksArrays(int n, int length, DataType type) throws Exception {
    int divisor = n == 1 ? 1 : n - 1; // as when one task sits a round out, contributing zeros
    List<INDArray> results = onRing(n, ring -> {
      INDArray a = values(length).muli(ring.rank() + 1).castTo(type);
      if (length == 0) {
        a = Nd4j.create(type, 1, 0);
      }
      ring.allReduceMean(a, divisor);
      return a;
    });
    if (length == 0) {
      return;
    }
    double sum = n * (n + 1) / 2.0;
    INDArray expected = values(length).muli(sum / divisor);
    double tol = type == DataType.HALF ? 2e-3 : type == DataType.FLOAT ? 1e-6 : 1e-12;
    for (INDArray a : results) {
      INDArray rel = a.castTo(DataType.DOUBLE).sub(expected).divi(expected);
      assertTrue(rel.amaxNumber().doubleValue() <= tol, "relative error " + rel.amaxNumber());
    }
  }

  /** 1, 2, ..., 100, 1, 2, ... as a row of {@code length} doubles (small enough for float16 sums). */
  private static INDArray values(int length) {
    INDArray i = Nd4j.arange(0, Math.max(length, 1)).castTo(DataType.DOUBLE);
    return i.subi(Transforms.floor(i.div(100)).muli(100)).addi(1).reshape(1, -1);
  }

  @Test
  void viewsOfALargerBufferAreAveragedInPlaceAndTheirNeighboursAreLeftAlone() throws Exception {
    List<INDArray> parents = onRing(3, ring -> {
      INDArray parent = Nd4j.valueArrayOf(new long[] {1, 1000}, 100f * (ring.rank() + 1), DataType.FLOAT);
      INDArray view = parent.get(NDArrayIndex.point(0), NDArrayIndex.interval(100, 900));
      view.assign(ring.rank() + 1);
      ring.allReduceMean(view, 3);
      return parent;
    });
    for (int r = 0; r < 3; r++) {
      INDArray p = parents.get(r);
      assertEquals(100f * (r + 1), p.getFloat(0, 99));
      assertEquals(2f, p.getFloat(0, 100));
      assertEquals(2f, p.getFloat(0, 899));
      assertEquals(100f * (r + 1), p.getFloat(0, 900));
    }
  }

  @Test
  void stridedViewsAreRefused() throws Exception {
    Ring ring = new Ring(0, 1, 1, () -> false);
    try (ring) {
      INDArray strided = Nd4j.create(DataType.FLOAT, 4, 4).get(NDArrayIndex.all(), NDArrayIndex.point(1));
      assertThrows(IllegalArgumentException.class, () -> ring.allReduceMean(strided, 1));
    }
  }

  @Test
  void smallValuesAreGatheredInRankOrder() throws Exception {
    List<double[][]> got = onRing(4, ring -> ring.allGather(new double[] {ring.rank(), -ring.rank() * 0.5}));
    for (double[][] all : got) {
      for (int r = 0; r < 4; r++) {
        assertArrayEquals(new double[] {r, -r * 0.5}, all[r]);
      }
    }
  }

  @Test
  void aTaskThatFailsEndsItsPeersTransfersInsteadOfLeavingThemWaiting() throws Exception {
    List<Ring> rings = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      rings.add(new Ring(r, 3, 7, () -> false));
    }
    Ring.Address[] addresses = rings.stream().map(g -> new Ring.Address("127.0.0.1", g.port()))
        .toArray(Ring.Address[]::new);
    List<Future<?>> futures = new ArrayList<>();
    for (Ring g : rings) {
      futures.add(pool.submit((Callable<Void>) () -> {
        try (g) {
          g.join(addresses, 20_000);
          if (g.rank() == 1) {
            throw new IOException("task 1 failed before the exchange");
          }
          g.allReduceMean(Nd4j.ones(DataType.FLOAT, 1, 5_000_000), 3);
          return null;
        }
      }));
    }
    for (Future<?> f : futures) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(1, TimeUnit.MINUTES));
      assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
    }
  }

  @Test
  void aStopRequestClosesTheRingOfATaskWaitingForItsPeer() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    Ring a = new Ring(0, 2, 9, stop::get);
    Ring b = new Ring(1, 2, 9, () -> false);
    Ring.Address[] addresses = {new Ring.Address("127.0.0.1", a.port()), new Ring.Address("127.0.0.1", b.port())};
    Future<?> ja = pool.submit((Callable<Void>) () -> {
      a.join(addresses, 20_000);
      return null;
    });
    b.join(addresses, 20_000);
    ja.get(1, TimeUnit.MINUTES);
    // b never sends: a waits in its exchange until it is asked to stop
    Future<?> waiting = pool.submit((Callable<Void>) () -> {
      a.allGather(new double[] {1});
      return null;
    });
    Thread.sleep(300);
    stop.set(true);
    ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(1, TimeUnit.MINUTES));
    assertTrue(String.valueOf(e.getCause().getMessage()).contains("closed"), String.valueOf(e.getCause()));
    b.close();
  }
}
