package io.mishbench.averaging;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's socket for the ring exchange ({@link EpochTask}): tasks fetch the epoch's starting
 * state from it (GET), task 0 reports every round (REPORTS) and sends the averaged state back at the
 * epoch's end (PUT). The state moves as native bytes ({@link NativeBytes}) between the driver's
 * network and the executors' kept networks: no broadcast, no codec, no block manager. Every
 * connection starts with the epoch's token; one of another master or epoch is refused.
 *
 * <p>The port is {@code spark.mishbench.averaging.driver.port} (0, the default: any free port); the
 * executors must be able to connect to it on {@code spark.driver.host}, as they connect to the
 * driver's RPC port.
 */
final class DriverLink implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DriverLink.class);

  static final int GET = 1;
  static final int REPORTS = 2;
  static final int PUT = 3;

  /** One round as task 0 saw it. */
  record Report(int done, int total, double loss) {}

  private final ServerSocketChannel server;
  private final Thread acceptor;
  private final BlockingQueue<Report> reports = new LinkedBlockingQueue<>();
  private volatile long token;
  private volatile INDArray params;
  private volatile INDArray updater;
  private INDArray stagedParams;
  private INDArray stagedUpdater;
  private volatile boolean staged;

  DriverLink(int port) throws IOException {
    server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(port), 64);
    acceptor = new Thread(this::accept, "mishbench-driver-link");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.socket().getLocalPort();
  }

  /**
   * Opens epoch {@code token}: GETs are served {@code params} and {@code updater} (null: none), which
   * must not change until {@link #take} returns; reports and the state returned are this epoch's.
   */
  synchronized void open(long token, INDArray params, INDArray updater) {
    NativeBytes.checkContiguous(params);
    if (updater != null) {
      NativeBytes.checkContiguous(updater);
    }
    this.params = params;
    this.updater = updater;
    if (stagedParams == null || stagedParams.length() != params.length()) {
      stagedParams = params.ulike();
    }
    if (updater != null && (stagedUpdater == null || stagedUpdater.length() != updater.length())) {
      stagedUpdater = updater.ulike();
    }
    staged = false;
    reports.clear();
    this.token = token;
  }

  /** The next round report, waiting at most {@code millis}; null if none came. */
  Report poll(long millis) throws InterruptedException {
    return reports.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** Copies the state task 0 sent back into the arrays {@link #open} served; false when none arrived whole. */
  synchronized boolean take() {
    if (!staged) {
      return false;
    }
    params.assign(stagedParams);
    if (updater != null) {
      updater.assign(stagedUpdater);
    }
    return true;
  }

  private void accept() {
    while (server.isOpen()) {
      try {
        SocketChannel c = server.accept();
        Thread t = new Thread(() -> serve(c), "mishbench-driver-link-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(SocketChannel c) {
    try (c) {
      c.socket().setTcpNoDelay(true);
      long[] head = NativeBytes.readLongs(c, 2);
      if (head[0] != token) {
        log.warn("refused a connection from {}: not this epoch's (token {})", c.getRemoteAddress(), head[0]);
        return;
      }
      switch ((int) head[1]) {
        case GET -> {
          NativeBytes.writeLongs(c, NativeBytes.size(params), NativeBytes.size(updater));
          NativeBytes.write(params, c);
          if (updater != null) {
            NativeBytes.write(updater, c);
          }
        }
        case REPORTS -> {
          ByteBuffer b = ByteBuffer.allocate(16);
          while (true) {
            b.clear();
            while (b.hasRemaining()) {
              if (c.read(b) < 0) {
                return;
              }
            }
            b.flip();
            reports.add(new Report(b.getInt(), b.getInt(), b.getDouble()));
          }
        }
        case PUT -> receive(c);
        default -> log.warn("refused a connection from {}: unknown request {}", c.getRemoteAddress(), head[1]);
      }
    } catch (IOException e) {
      log.debug("driver link connection ended: {}", e.toString());
    }
  }

  private synchronized void receive(SocketChannel c) throws IOException {
    long[] sizes = NativeBytes.readLongs(c, 2);
    if (sizes[0] != NativeBytes.size(stagedParams) || sizes[1] != NativeBytes.size(stagedUpdater)) {
      throw new IOException("task 0 sent " + sizes[0] + " + " + sizes[1] + " bytes of state, the driver's network holds "
          + NativeBytes.size(stagedParams) + " + " + NativeBytes.size(stagedUpdater));
    }
    staged = false;
    NativeBytes.read(stagedParams, c);
    if (stagedUpdater != null) {
      NativeBytes.read(stagedUpdater, c);
    }
    staged = true;
    ByteBuffer ack = ByteBuffer.allocate(1).put((byte) 1).flip();
    while (ack.hasRemaining()) {
      c.write(ack);
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // nothing to do
    }
    acceptor.interrupt();
  }

  /** An executor's connection to the driver's link. */
  static final class Client implements AutoCloseable {
    private final SocketChannel channel;

    private Client(SocketChannel channel) {
      this.channel = channel;
    }

    static Client open(String host, int port, long token, int kind) throws IOException {
      SocketChannel c = SocketChannel.open();
      try {
        c.socket().setTcpNoDelay(true);
        c.socket().connect(new InetSocketAddress(host, port), 30_000);
        NativeBytes.writeLongs(c, token, kind);
        return new Client(c);
      } catch (IOException e) {
        c.close();
        throw new IOException("cannot reach the driver's averaging port " + host + ":" + port + " (executors must be"
            + " able to connect to it; fix it with spark.mishbench.averaging.driver.port): " + e, e);
      }
    }

    /** GET: the driver's state, read straight into {@code params} and {@code updater}. */
    static void fetch(String host, int port, long token, INDArray params, INDArray updater) throws IOException {
      try (Client c = open(host, port, token, GET)) {
        long[] sizes = NativeBytes.readLongs(c.channel, 2);
        if (sizes[0] != NativeBytes.size(params) || sizes[1] != NativeBytes.size(updater)) {
          throw new IOException("the driver serves " + sizes[0] + " + " + sizes[1] + " bytes of state, this network holds "
              + NativeBytes.size(params) + " + " + NativeBytes.size(updater));
        }
        NativeBytes.read(params, c.channel);
        if (updater != null) {
          NativeBytes.read(updater, c.channel);
        }
      }
    }

    /** PUT: {@code params} and {@code updater} to the driver, returning once it has them all. */
    static void put(String host, int port, long token, INDArray params, INDArray updater) throws IOException {
      try (Client c = open(host, port, token, PUT)) {
        NativeBytes.writeLongs(c.channel, NativeBytes.size(params), NativeBytes.size(updater));
        NativeBytes.write(params, c.channel);
        if (updater != null) {
          NativeBytes.write(updater, c.channel);
        }
        ByteBuffer ack = ByteBuffer.allocate(1);
        if (c.channel.read(ack) != 1) {
          throw new IOException("the driver did not confirm the averaged state");
        }
      }
    }

    /** REPORTS: one record per round. */
    void report(int done, int total, double loss) throws IOException {
      ByteBuffer b = ByteBuffer.allocate(16).putInt(done).putInt(total).putDouble(loss).flip();
      while (b.hasRemaining()) {
        channel.write(b);
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
