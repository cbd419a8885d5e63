package io.mishbench.averaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A worker's minibatches {@code [from, to)} read one ahead on a loader thread while the previous one
 * trains; a failure to read one is thrown by {@link #next} in its place.
 */
final class Prefetch implements AutoCloseable {

  private static final DataSet END = new DataSet();

  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread th = new Thread(r, "mishbench-minibatch-loader");
    th.setDaemon(true);
    return th;
  });
  private final BlockingQueue<Object> ready = new ArrayBlockingQueue<>(2);
  private final Future<?> loading;

  Prefetch(MinibatchLoader loader, RoundTask.Assignment a) {
    loading = thread.submit(() -> {
      try {
        for (int i = a.from(); i < a.to(); i++) {
          ready.put(loader.load(a.epoch(), a.worker(), i));
        }
        ready.put(END);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception | Error e) {
        try {
          ready.put(e); // waits for room: the trainer takes it as its next minibatch
        } catch (InterruptedException stopped) {
          Thread.currentThread().interrupt();
        }
      }
      return null;
    });
  }

  DataSet next() throws InterruptedException, IOException {
    Object o = ready.take();
    if (o instanceof DataSet d && d != END) {
      return d;
    }
    if (o instanceof IOException e) {
      throw e;
    }
    if (o instanceof RuntimeException e) {
      throw e;
    }
    if (o instanceof Error e) {
      throw e;
    }
    if (o instanceof Exception e) {
      throw new UncheckedIOException(new IOException(e));
    }
    throw new IllegalStateException("fewer minibatches than planned");
  }

  @Override
  public void close() {
    loading.cancel(true);
    thread.shutdownNow();
  }
}
