package io.mishbench.averaging;

import java.io.EOFException;
import java.io.IOException;
import java.lang.ref.Reference;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The tasks of one barrier stage joined in a ring over TCP: task {@code r} sends to {@code r + 1}
 * and receives from {@code r - 1}, and {@link #allReduceMean} averages an array across all of them
 * in the bandwidth-optimal way (reduce-scatter, then all-gather: every task sends and receives
 * {@code 2 (n - 1) / n} times the array's bytes, whatever {@code n} is, and no task or driver
 * carries more than that). Bytes go straight between the arrays' native memory and the sockets; sums
 * are ND4J's own operations over chunks of {@link #CHUNK_BYTES}.
 *
 * <p>Faults: a peer that dies closes its sockets and its neighbours' reads and writes fail at once,
 * which closes theirs, around the ring; a watchdog thread closes the ring when Spark asks the task to
 * stop (it does not interrupt barrier tasks) or when a transfer has made no progress for {@link
 * #STALL_MILLIS}, so a task never waits forever on a peer that hangs.
 */
final class Ring implements AutoCloseable {

  /** Bytes moved and summed per step of a transfer. */
  static final int CHUNK_BYTES = NativeBytes.CHUNK_BYTES;

  /** A transfer that has not moved a byte for this long (peers fit their minibatches before it) fails. */
  static final long STALL_MILLIS = 30 * 60_000L;

  private static final int HELLO = 0x4D535231; // "MSR1"

  private final int rank;
  private final int size;
  private final long token;
  private final ServerSocketChannel server;
  private SocketChannel next;
  private SocketChannel prev;
  private final ExecutorService sender;
  private final Thread watchdog;
  private volatile long lastProgress = System.currentTimeMillis();
  private volatile boolean transferring;
  private volatile boolean closed;
  private INDArray scratch;

  /** Where a task advertises its ring port: {@code host:port}. */
  record Address(String host, int port) {
    static Address parse(String s) {
      int colon = s.lastIndexOf(':');
      return new Address(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  /** Listens for the previous task; {@link #join} connects the ring once every task's address is known. */
  Ring(int rank, int size, long token, BooleanSupplier stopRequested) throws IOException {
    if (size < 1 || rank < 0 || rank >= size) {
      throw new IllegalArgumentException("ring rank " + rank + " of " + size);
    }
    this.rank = rank;
    this.size = size;
    this.token = token;
    this.server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(0), size);
    this.sender = Executors.newSingleThreadExecutor(r -> daemon(r, "mishbench-ring-sender-" + rank));
    this.watchdog = daemon(() -> watch(stopRequested), "mishbench-ring-watchdog-" + rank);
    watchdog.start();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** The port other tasks reach this one on. */
  int port() {
    return server.socket().getLocalPort();
  }

  int rank() {
    return rank;
  }

  int size() {
    return size;
  }

  /** Connects to the next task ({@code addresses[rank + 1]}) and accepts the previous one. */
  void join(Address[] addresses, long timeoutMillis) throws IOException {
    if (addresses.length != size) {
      throw new IllegalArgumentException(addresses.length + " addresses for a ring of " + size);
    }
    if (size == 1) {
      return;
    }
    Address to = addresses[(rank + 1) % size];
    next = SocketChannel.open();
    tune(next);
    next.socket().connect(new InetSocketAddress(to.host(), to.port()), (int) timeoutMillis);
    ByteBuffer hello = ByteBuffer.allocate(16).putInt(HELLO).putLong(token).putInt(rank).flip();
    writeFully(next, hello);
    int from = (rank + size - 1) % size;
    server.socket().setSoTimeout((int) timeoutMillis);
    while (prev == null) {
      Socket s;
      try {
        s = server.socket().accept();
      } catch (SocketTimeoutException e) {
        throw new IOException("averaging ring: task " + from + " did not connect to task " + rank + " within "
            + timeoutMillis / 1000 + " s", e);
      }
      SocketChannel c = s.getChannel();
      tune(c);
      ByteBuffer got = ByteBuffer.allocate(16);
      try {
        readFully(c, got);
      } catch (IOException e) {
        c.close(); // not a ring peer
        continue;
      }
      got.flip();
      if (got.getInt() == HELLO && got.getLong() == token && got.getInt() == from) {
        prev = c;
      } else {
        c.close(); // a task of an earlier attempt of this stage, or a stranger
      }
    }
  }

  private static void tune(SocketChannel c) throws IOException {
    c.socket().setTcpNoDelay(true);
    c.socket().setSendBufferSize(CHUNK_BYTES);
    c.socket().setReceiveBufferSize(CHUNK_BYTES);
  }

  /**
   * Every task's {@code values} (the same length on every task), indexed by rank: a small message
   * passed around the ring, {@code n - 1} hops.
   */
  double[][] allGather(double[] values) throws IOException {
    double[][] all = new double[size][];
    all[rank] = values.clone();
    ByteBuffer out = ByteBuffer.allocate(4 + 8 * values.length);
    ByteBuffer in = ByteBuffer.allocate(out.capacity());
    int carrying = rank;
    for (int step = 0; step < size - 1; step++) {
      out.clear().putInt(carrying);
      for (double v : all[carrying]) {
        out.putDouble(v);
      }
      out.flip();
      Future<?> sent = send(out);
      in.clear();
      transfer(() -> readFully(prev, in));
      in.flip();
      int origin = in.getInt();
      if (origin != (rank - step - 1 + 2 * size) % size) {
        throw new IOException("averaging ring: task " + rank + " expected task "
            + (rank - step - 1 + 2 * size) % size + "'s values, got task " + origin + "'s");
      }
      double[] v = new double[values.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = in.getDouble();
      }
      all[origin] = v;
      carrying = origin;
      await(sent);
    }
    return all;
  }

  /**
   * Replaces {@code array} on every task by the sum over all tasks divided by {@code divisor}.
   * {@code array}'s elements must be contiguous in memory (a network's flattened parameters or updater
   * state, or a contiguous view of them); the same length, order and data type on every task.
   */
  void allReduceMean(INDArray array, int divisor) throws IOException {
    if (divisor < 1) {
      throw new IllegalArgumentException("divisor " + divisor);
    }
    NativeBytes.checkContiguous(array);
    long n = array.length();
    if (n == 0) {
      return;
    }
    if (size == 1) {
      if (divisor != 1) {
        array.divi(divisor);
      }
      return;
    }
    INDArray flat = array.reshape(new long[] {n});
    if (flat.data().addressPointer().address() != array.data().addressPointer().address()) {
      throw new IllegalStateException("a flat view of the array is not its own memory");
    }
    int width = array.dataType().width();
    long chunk = CHUNK_BYTES / width;
    if (scratch == null || scratch.dataType() != array.dataType()) {
      scratch = Nd4j.createUninitialized(array.dataType(), chunk);
    }
    // reduce-scatter: after n - 1 steps, task r holds the full sum of segment (r + 1) mod n
    for (int step = 0; step < size - 1; step++) {
      int sendSeg = Math.floorMod(rank - step, size);
      int recvSeg = Math.floorMod(rank - step - 1, size);
      Future<?> sent = sendSegment(array, n, sendSeg);
      long from = segStart(n, recvSeg);
      long to = segStart(n, recvSeg + 1);
      for (long at = from; at < to; at += chunk) {
        long k = Math.min(chunk, to - at);
        ByteBuffer b = NativeBytes.of(scratch, 0, k);
        transfer(() -> readFully(prev, b));
        flat.get(NDArrayIndex.interval(at, at + k)).addi(scratch.get(NDArrayIndex.interval(0, k)));
      }
      await(sent);
    }
    int owned = Math.floorMod(rank + 1, size);
    if (divisor != 1 && segStart(n, owned + 1) > segStart(n, owned)) {
      flat.get(NDArrayIndex.interval(segStart(n, owned), segStart(n, owned + 1))).divi(divisor);
    }
    // all-gather: the averaged segments go around; each is written straight into the array's memory
    for (int step = 0; step < size - 1; step++) {
      int sendSeg = Math.floorMod(rank + 1 - step, size);
      int recvSeg = Math.floorMod(rank - step, size);
      Future<?> sent = sendSegment(array, n, sendSeg);
      long from = segStart(n, recvSeg);
      long to = segStart(n, recvSeg + 1);
      for (long at = from; at < to; at += chunk) {
        ByteBuffer b = NativeBytes.of(array, at, Math.min(at + chunk, to));
        transfer(() -> readFully(prev, b));
      }
      await(sent);
    }
    Reference.reachabilityFence(array);
    Reference.reachabilityFence(flat);
  }

  private long segStart(long n, int seg) {
    return n * seg / size;
  }

  private Future<?> sendSegment(INDArray array, long n, int seg) {
    long from = segStart(n, seg);
    long to = segStart(n, seg + 1);
    return sender.submit(() -> {
      transfer(() -> NativeBytes.write(array, from, to, next));
      return null;
    });
  }

  private Future<?> send(ByteBuffer b) {
    return sender.submit(() -> {
      transfer(() -> writeFully(next, b));
      return null;
    });
  }

  @FunctionalInterface
  private interface Io {
    void run() throws IOException;
  }

  private void transfer(Io io) throws IOException {
    transferring = true;
    lastProgress = System.currentTimeMillis();
    try {
      io.run();
    } catch (IOException e) {
      if (closed) {
        throw new IOException("averaging ring closed (the task was stopped, or a peer stalled for "
            + STALL_MILLIS / 60_000 + " min)", e);
      }
      throw e;
    } finally {
      transferring = false;
      lastProgress = System.currentTimeMillis();
    }
  }

  private void readFully(SocketChannel c, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (c.read(b) < 0) {
        throw new EOFException("averaging ring: the previous task (" + Math.floorMod(rank - 1, size)
            + ") closed its connection to task " + rank + " (it failed or was stopped)");
      }
      lastProgress = System.currentTimeMillis();
    }
  }

  private void writeFully(SocketChannel c, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      c.write(b);
      lastProgress = System.currentTimeMillis();
    }
  }

  private static void await(Future<?> f) throws IOException {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while sending to the next task of the averaging ring", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    }
  }

  private void watch(BooleanSupplier stopRequested) {
    while (!closed) {
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      }
      boolean stalled = transferring && System.currentTimeMillis() - lastProgress > STALL_MILLIS;
      if (stopRequested.getAsBoolean() || stalled) {
        close();
        return;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    sender.shutdownNow();
    watchdog.interrupt();
    for (java.io.Closeable c : new java.io.Closeable[] {next, prev, server}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (IOException ignored) {
        // closing: nothing left to do with it
      }
    }
  }
}
