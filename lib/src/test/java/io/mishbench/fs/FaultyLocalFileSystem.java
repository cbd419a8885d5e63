package io.mishbench.fs;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.Syncable;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system with faults for tests, chosen by {@link #mode}: {@code full} (writes fail
 * with "No space left on device" after 10 bytes and deleting fails too), or {@code count} (counts
 * hsync calls on what it writes). Configure with {@code fs.file.impl} and the cache disabled.
 */
public class FaultyLocalFileSystem extends RawLocalFileSystem {

  static volatile String mode = "count";
  static final AtomicInteger HSYNCS = new AtomicInteger();

  @Override
  public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
      Progressable progress) throws IOException {
    FSDataOutputStream real = super.create(f, overwrite, bufferSize, replication, blockSize, progress);
    return new FSDataOutputStream(new Faulty(real), null);
  }

  @Override
  public boolean delete(Path p, boolean recursive) throws IOException {
    if (mode.equals("full")) {
      throw new IOException("delete failed too");
    }
    return super.delete(p, recursive);
  }

  private static final class Faulty extends OutputStream implements Syncable {
    private final FSDataOutputStream real;
    private long written;

    Faulty(FSDataOutputStream real) {
      this.real = real;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (mode.equals("full") && written + len > 10) {
        throw new IOException("No space left on device");
      }
      written += len;
      real.write(b, off, len);
    }

    @Override
    public void hflush() throws IOException {
      real.hflush();
    }

    @Override
    public void hsync() throws IOException {
      HSYNCS.incrementAndGet();
      real.hsync();
    }

    @Override
    public void close() throws IOException {
      real.close();
    }
  }
}
