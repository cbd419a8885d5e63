package io.mishbench.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.mishbench.fs.HadoopFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads a config file (HOCON) given as a path or any Hadoop URI ({@code hdfs://}, {@code s3a://},
 * {@code file:}) through the Hadoop FileSystem, with the Hadoop configuration Spark would use.
 *
 * <p>A bare file name that is not in the working directory is also looked up among Spark's shipped
 * files ({@code spark.files}, what {@code spark-submit --files} sets): in cluster deploy mode the submit
 * scripts ship a local config that way and pass its name. YARN, and Kubernetes from Spark 3.4 on, put
 * shipped files into the driver's working directory; {@code spark.files} names them wherever else a
 * manager puts them. (docs/CLUSTER.md, "Config files".)
 *
 * <p>A missing or unreadable file is an {@link IllegalArgumentException} (exit code 2), before Spark starts.
 */
public final class ConfigFile {

  private ConfigFile() {}

  /** Where {@code location} is read from: a URI, the local file, or the shipped copy of that name. */
  static URI locate(String location, String sparkFiles) {
    URI uri = HadoopFiles.resolve(location);
    String name = location.trim();
    if ("file".equals(uri.getScheme()) && !Files.exists(Paths.get(uri)) && !name.contains("/") && sparkFiles != null) {
      Optional<String> shipped = Arrays.stream(sparkFiles.split(","))
          .map(String::trim)
          .filter(f -> !f.isEmpty() && new Path(f).getName().equals(name))
          .findFirst();
      if (shipped.isPresent()) {
        return HadoopFiles.resolve(shipped.get());
      }
    }
    return uri;
  }

  /** The HOCON of {@code location}, not yet validated. */
  public static Config parse(String location) {
    return parse(location, HadoopFiles.configuration());
  }

  /** The HOCON of {@code location} read with {@code conf}. */
  public static Config parse(String location, Configuration conf) {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException("config file not given");
    }
    URI uri = locate(location, System.getProperty("spark.files"));
    String text = read(location, uri, conf);
    try {
      if ("file".equals(uri.getScheme())) { // includes resolve relative to the file
        return ConfigFactory.parseFile(Paths.get(uri).toFile(), ConfigParseOptions.defaults().setAllowMissing(false)
            .setIncluder(new ConfigLoader.RequiredIncludes()));
      }
      return ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription(uri.toString())
          .setIncluder(new ConfigLoader.RequiredIncludes()));
    } catch (ConfigException | IllegalArgumentException e) { // the includer's: a missing include
      throw new IllegalArgumentException("cannot parse config " + location + ": " + e.getMessage(), e);
    }
  }

  private static String read(String location, URI uri, Configuration conf) {
    String where = uri.toString().equals(location) ? location : location + " (" + uri + ")";
    try {
      FileSystem fs = HadoopFiles.fs(uri, conf);
      Path path = new Path(uri);
      FileStatus status = fs.getFileStatus(path);
      if (!status.isFile()) {
        throw new IllegalArgumentException("config is not a file: " + where);
      }
      try (InputStream in = fs.open(path)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("config file not found: " + where, e);
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae && iae.getMessage() != null && iae.getMessage().startsWith("config ")) {
        throw iae;
      }
      // no FileSystem for the scheme, permission denied, an endpoint that refuses, missing credentials
      throw new IllegalArgumentException("cannot read config " + where + ": " + e.getClass().getSimpleName() + ": "
          + e.getMessage(), e);
    }
  }
}
