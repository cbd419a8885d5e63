package io.mishbench.averaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The rates {@link AveragingCostModel} takes that this machine can measure in one process: the
 * loopback link as the {@link Ring} uses it (socket channels, chunks of {@link Ring#CHUNK_BYTES},
 * both directions at once, as every ring member sends while it receives), a small message's hop, and
 * ND4J's in-place add over the ring's chunks.
 */
public final class LinkProbe {

  private LinkProbe() {}

  /** Bytes/s each way with both directions busy, and seconds of one small message's hop. */
  public record Result(double bytesPerSecond, double hopSeconds) {}

  /** Measures the loopback link: 256 MB each way at once (best of 3), and 200 small round trips. */
  public static Result measure() {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (SocketChannel a = SocketChannel.open(server.getLocalAddress()); SocketChannel b = server.accept()) {
        for (SocketChannel c : new SocketChannel[] {a, b}) {
          c.socket().setTcpNoDelay(true);
          c.socket().setSendBufferSize(Ring.CHUNK_BYTES);
          c.socket().setReceiveBufferSize(Ring.CHUNK_BYTES);
        }
        long bytes = 256L << 20;
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
          long start = System.nanoTime();
          Future<?> ab = pool.submit(() -> stream(a, b, bytes));
          Future<?> ba = pool.submit(() -> stream(b, a, bytes));
          ab.get();
          ba.get();
          best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        ByteBuffer ping = ByteBuffer.allocateDirect(40);
        int trips = 200;
        long start = System.nanoTime();
        for (int i = 0; i < trips; i++) {
          move(a, b, ping);
          move(b, a, ping);
        }
        double hop = (System.nanoTime() - start) / 1e9 / (2.0 * trips);
        return new Result(bytes / best, hop);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure the loopback link", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot measure the loopback link: " + e, e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Writes {@code bytes} into {@code from} while reading them out of {@code to}, in the ring's chunks. */
  private static Void stream(SocketChannel from, SocketChannel to, long bytes) throws Exception {
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      Future<?> read = reader.submit(() -> {
        ByteBuffer in = ByteBuffer.allocateDirect(Ring.CHUNK_BYTES);
        long left = bytes;
        while (left > 0) {
          in.clear().limit((int) Math.min(in.capacity(), left));
          int n = to.read(in);
          if (n < 0) {
            throw new IOException("closed");
          }
          left -= n;
        }
        return null;
      });
      ByteBuffer out = ByteBuffer.allocateDirect(Ring.CHUNK_BYTES);
      long left = bytes;
      while (left > 0) {
        out.clear().limit((int) Math.min(out.capacity(), left));
        while (out.hasRemaining()) {
          left -= from.write(out);
        }
      }
      read.get();
      return null;
    } finally {
      reader.shutdownNow();
    }
  }

  private static void move(SocketChannel from, SocketChannel to, ByteBuffer b) throws IOException {
    b.clear();
    while (b.hasRemaining()) {
      from.write(b);
    }
    b.clear();
    while (b.hasRemaining()) {
      if (to.read(b) < 0) {
        throw new IOException("closed");
      }
    }
  }

  /** ND4J's in-place add over chunks of {@link Ring#CHUNK_BYTES} (a ring's reduce step), bytes/s, best of 3. */
  public static double addBytesPerSecond(long values) {
    long chunkFloats = Ring.CHUNK_BYTES / 4;
    INDArray into = Nd4j.rand(DataType.FLOAT, values);
    INDArray chunk = Nd4j.rand(DataType.FLOAT, chunkFloats);
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      for (long at = 0; at < values; at += chunkFloats) {
        long k = Math.min(chunkFloats, values - at);
        into.get(NDArrayIndex.interval(at, at + k)).addi(chunk.get(NDArrayIndex.interval(0, k)));
      }
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
    }
    return 4.0 * values / best;
  }
}
