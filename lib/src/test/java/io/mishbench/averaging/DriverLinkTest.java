package io.mishbench.averaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The driver's port of the ring exchange over real sockets: tasks read the served state bit for bit,
 * several at once; round reports arrive in order; the state sent back reaches the driver's arrays only
 * when {@link DriverLink#take} is called and only if it arrived whole; connections of another epoch and
 * states of another size are refused.
 */
class DriverLinkTest {

  @Test
  void tasksReadTheServedStateAndTheStateSentBackIsTakenWhole() throws Exception {
    INDArray params = Nd4j.rand(DataType.FLOAT, 1, 3_000_001);
    INDArray updater = Nd4j.rand(DataType.FLOAT, 1, 1_500_000);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (DriverLink link = new DriverLink(0)) {
      link.open(11, params, updater);
      List<Future<INDArray[]>> fetched = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        fetched.add(pool.submit(() -> {
          INDArray p = Nd4j.create(DataType.FLOAT, 1, 3_000_001);
          INDArray u = Nd4j.create(DataType.FLOAT, 1, 1_500_000);
          DriverLink.Client.fetch("127.0.0.1", link.port(), 11, p, u);
          return new INDArray[] {p, u};
        }));
      }
      for (Future<INDArray[]> f : fetched) {
        assertEquals(params, f.get()[0]);
        assertEquals(updater, f.get()[1]);
      }
      try (DriverLink.Client c = DriverLink.Client.open("127.0.0.1", link.port(), 11, DriverLink.REPORTS)) {
        c.report(1, 2, 0.5);
        c.report(2, 2, 0.25);
      }
      assertEquals(new DriverLink.Report(1, 2, 0.5), link.poll(5000));
      assertEquals(new DriverLink.Report(2, 2, 0.25), link.poll(5000));
      assertFalse(link.take(), "nothing sent back yet");
      INDArray p2 = params.mul(2);
      INDArray u2 = updater.mul(3);
      DriverLink.Client.put("127.0.0.1", link.port(), 11, p2, u2);
      assertEquals(params.mul(0.5), p2.mul(0.25), "the served arrays are untouched until take()");
      assertTrue(link.take());
      assertEquals(p2, params);
      assertEquals(u2, updater);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anotherEpochsConnectionsAndAStateOfAnotherSizeAreRefused() throws Exception {
    INDArray params = Nd4j.rand(DataType.FLOAT, 1, 1000);
    try (DriverLink link = new DriverLink(0)) {
      link.open(5, params, null);
      INDArray p = Nd4j.create(DataType.FLOAT, 1, 1000);
      assertThrows(IOException.class, () -> DriverLink.Client.fetch("127.0.0.1", link.port(), 4, p, null),
          "a stale epoch's token is refused (the driver closes the connection)");
      IOException wrong = assertThrows(IOException.class,
          () -> DriverLink.Client.fetch("127.0.0.1", link.port(), 5, Nd4j.create(DataType.FLOAT, 1, 999), null));
      assertTrue(wrong.getMessage().contains("4000"), wrong.getMessage());
      assertThrows(IOException.class,
          () -> DriverLink.Client.put("127.0.0.1", link.port(), 5, Nd4j.create(DataType.FLOAT, 1, 10), null));
      assertFalse(link.take());
      try (DriverLink.Client c = DriverLink.Client.open("127.0.0.1", link.port(), 4, DriverLink.REPORTS)) {
        c.report(1, 1, 1.0);
      }
      assertNull(link.poll(300), "a stale epoch's reports are dropped");
    }
  }

  @Test
  void anUnreachableDriverIsNamedWithTheSettingThatMovesItsPort() throws Exception {
    int port;
    try (DriverLink closed = new DriverLink(0)) {
      port = closed.port();
    }
    IOException e = assertThrows(IOException.class, () -> DriverLink.Client.fetch("127.0.0.1", port, 1,
        Nd4j.create(DataType.FLOAT, 1, 10), null));
    assertNotNull(e.getMessage());
    assertTrue(e.getMessage().contains("127.0.0.1:" + port) && e.getMessage().contains(AveragingMaster.DRIVER_PORT),
        e.getMessage());
  }
}
