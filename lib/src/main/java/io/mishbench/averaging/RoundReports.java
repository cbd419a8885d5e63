package io.mishbench.averaging;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The driver's end of {@link EpochTask.Reports}: a socket on which task 0 of the ring exchange
 * reports every round (rounds done, rounds planned, averaged loss) while the epoch's stage runs, so
 * that progress shows inside an epoch as it does with the per-round exchanges. Reports of another
 * master or epoch (a token that is not the current one) are dropped.
 */
final class RoundReports implements AutoCloseable {

  /** One round as task 0 saw it. */
  record Report(int done, int total, double loss) {}

  private final ServerSocket server;
  private final Thread acceptor;
  private final BlockingQueue<Report> queue = new LinkedBlockingQueue<>();
  private volatile long token;

  RoundReports() throws IOException {
    server = new ServerSocket();
    server.bind(new InetSocketAddress(0));
    acceptor = new Thread(this::accept, "mishbench-round-reports");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Accepts reports carrying {@code token} from now on, and forgets any not taken yet. */
  void expect(long token) {
    this.token = token;
    queue.clear();
  }

  /** The next report, waiting at most {@code millis}; null if none came. */
  Report poll(long millis) throws InterruptedException {
    return queue.poll(millis, TimeUnit.MILLISECONDS);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread reader = new Thread(() -> read(s), "mishbench-round-report-reader");
        reader.setDaemon(true);
        reader.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void read(Socket s) {
    try (s; DataInputStream in = new DataInputStream(s.getInputStream())) {
      s.setSoTimeout((int) Ring.STALL_MILLIS);
      long from = in.readLong();
      while (true) {
        Report r = new Report(in.readInt(), in.readInt(), in.readDouble());
        if (from == token) {
          queue.add(r);
        }
      }
    } catch (IOException e) {
      // the task closed its end: the stage is over (or failed, which the stage's result says)
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
}
