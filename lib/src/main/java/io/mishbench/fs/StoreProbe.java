package io.mishbench.fs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Checks, before any work starts, that the object stores a command will use answer: an S3 endpoint
 * that refuses connections, a bucket that does not exist or missing or wrong credentials become one
 * sentence naming the setting to fix ({@link IllegalArgumentException}: the jobs' exit code 2),
 * within seconds, instead of an AWS stack trace after S3A's retries (minutes) in the middle of a run.
 *
 * <p>Only {@code s3a://} locations are probed, on a file system instance of their own with retries
 * cut to one (the shared, cached instance keeps the user's retry settings for the work itself);
 * HDFS and local paths are checked by the readers that open them.
 */
public final class StoreProbe {

  private StoreProbe() {}

  /**
   * Probes every {@code s3a://} location of {@code locations} (null entries are skipped); a location
   * that does not exist yet is fine (an output), one whose store cannot be used is not.
   *
   * @throws IllegalArgumentException naming the location, the endpoint and what to set
   */
  public static void check(Configuration conf, URI... locations) {
    for (URI uri : locations) {
      if (uri != null && "s3a".equals(uri.getScheme())) {
        probeS3a(uri, conf);
      }
    }
  }

  private static void probeS3a(URI uri, Configuration conf) {
    Configuration quick = new Configuration(conf);
    quick.setInt("fs.s3a.attempts.maximum", 1); // the AWS SDK's own retries
    quick.setInt("fs.s3a.retry.limit", 1); // S3A's retries around them
    quick.setInt("fs.s3a.retry.throttle.limit", 1);
    quick.set("fs.s3a.connection.establish.timeout", "5000");
    quick.set("fs.s3a.connection.timeout", "10000");
    String endpoint = conf.getTrimmed("fs.s3a.endpoint", "");
    String where = uri + (endpoint.isEmpty() ? " (AWS S3: fs.s3a.endpoint is not set)" : " at endpoint " + endpoint);
    try (FileSystem fs = FileSystem.newInstance(uri, quick)) {
      Path p = new Path(uri);
      if (p.isRoot()) {
        fs.listStatus(p);
      } else {
        fs.exists(p); // a HEAD and a LIST: the endpoint, the bucket and the credentials are all used
      }
    } catch (FileNotFoundException e) {
      if (e.getClass().getSimpleName().equals("UnknownStoreException") || mentions(e, "NoSuchBucket")) {
        throw new IllegalArgumentException("the bucket of " + where + " does not exist: " + firstLine(e), e);
      }
      // the bucket answers and the path is not there yet: an output or a results store to create
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(explain(where, e), e);
    }
  }

  private static String explain(String where, Throwable e) {
    if (causedBy(e, ConnectException.class) || mentions(e, "Connection refused")) {
      return "cannot connect to " + where + ": connection refused. Is the S3 endpoint right and running?"
          + " (spark-submit --conf spark.hadoop.fs.s3a.endpoint=http://HOST:PORT; docs/CLUSTER.md)";
    }
    if (causedBy(e, UnknownHostException.class)) {
      return "cannot resolve the host of " + where + ": " + firstLine(e)
          + " (spark.hadoop.fs.s3a.endpoint; spark.hadoop.fs.s3a.path.style.access=true for servers without"
          + " bucket host names)";
    }
    if (e.getClass().getSimpleName().equals("NoAuthWithAWSException") || mentions(e, "No AWS Credentials")
        || mentions(e, "credentials")) {
      return "no S3 credentials for " + where + ": give spark.hadoop.fs.s3a.access.key and"
          + " spark.hadoop.fs.s3a.secret.key (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the"
          + " environment) (" + firstLine(e) + ")";
    }
    if (e instanceof AccessDeniedException || mentions(e, "403") || mentions(e, "Access Denied")) {
      return "access to " + where + " was denied: check the credentials (spark.hadoop.fs.s3a.access.key,"
          + " spark.hadoop.fs.s3a.secret.key) and the bucket's policy (" + firstLine(e) + ")";
    }
    if (e instanceof InterruptedIOException || causedBy(e, java.net.SocketTimeoutException.class)) {
      return "the S3 endpoint of " + where + " did not answer in time: " + firstLine(e);
    }
    return "cannot use " + where + ": " + firstLine(e);
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static boolean mentions(Throwable e, String text) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().toLowerCase().contains(text.toLowerCase())) {
        return true;
      }
    }
    return false;
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
