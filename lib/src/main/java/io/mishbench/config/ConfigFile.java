package io.mishbench.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigParseable;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.mishbench.fs.HadoopFiles;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * {@link #parse(String, List)} is what every command's config reader starts from (experiment, robustness,
 * landscape): the file, {@code --set key=value} overrides over it, every substitution resolvable.
 */
public final class ConfigFile {

  /** The experiment defaults, against which every file's substitutions must resolve. */
  private static final String DEFAULTS = "/mishbench-defaults.conf";

  private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{\\??[^}]+}");

  private ConfigFile() {}

  /**
   * The HOCON of {@code location} (a path or Hadoop URI) with {@code overrides} applied, not yet
   * validated.
   *
   * @throws IllegalArgumentException when the file is missing, unreadable or not HOCON, an include is
   *     missing, a substitution resolves to nothing ({@link #resolve}), or an override is malformed
   */
  public static Config parse(String location, List<String> overrides) {
    Config applied = applyOverrides(parse(location), overrides);
    // every substitution must resolve, also in blocks this command does not read: a ${NOPE} is a mistake
    resolve(applied.withFallback(ConfigFactory.parseResources(ConfigFile.class, DEFAULTS)), location);
    return applied;
  }

  /** Applies {@code key=value} overrides; a value starting with '[' or '{' is parsed as HOCON. */
  public static Config applyOverrides(Config user, List<String> overrides) {
    Config c = user;
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--set expects key=value, got '" + o + "'");
      }
      String key = o.substring(0, eq).trim();
      String value = o.substring(eq + 1).trim();
      try {
        if (value.startsWith("[") || value.startsWith("{")) {
          c = ConfigFactory.parseString(key + " = " + value).withFallback(c);
        } else {
          c = c.withValue(key, ConfigValueFactory.fromAnyRef(value));
        }
      } catch (ConfigException e) {
        throw new IllegalArgumentException("--set " + o + ": " + e.getMessage(), e);
      }
    }
    return c;
  }

  /**
   * Resolves the substitutions of {@code merged} (other keys, environment variables).
   *
   * @throws IllegalArgumentException naming every key whose {@code ${...}} resolves to nothing (no such
   *     key and no such environment variable), with where it is written
   */
  public static Config resolve(Config merged, String origin) {
    try {
      return merged.resolve();
    } catch (ConfigException.UnresolvedSubstitution e) {
      Config partial = merged.resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
      List<String> problems = new ArrayList<>();
      unresolved(partial.root(), "", problems);
      if (problems.isEmpty()) {
        problems.add(e.getMessage());
      }
      throw new IllegalArgumentException("config " + origin + ": " + String.join("; ", problems), e);
    }
  }

  private static void unresolved(ConfigObject obj, String prefix, List<String> problems) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String key = prefix + ConfigUtil.quoteString(e.getKey()).replaceAll("^\"([A-Za-z0-9_-]+)\"$", "$1");
      ConfigValue v = e.getValue();
      try {
        if (v instanceof ConfigObject child) {
          unresolved(child, key + ".", problems);
        } else {
          v.valueType();
          if (v instanceof ConfigList list) {
            list.forEach(ConfigValue::valueType);
          }
        }
      } catch (ConfigException.NotResolved nr) {
        Set<String> refs = new LinkedHashSet<>();
        Matcher m = SUBSTITUTION.matcher(v.render());
        while (m.find()) {
          refs.add(m.group());
        }
        String where = v.origin() == null || v.origin().description().startsWith("merge of") ? ""
            : "; " + v.origin().description();
        problems.add(key + ": " + (refs.isEmpty() ? v.render() : String.join(", ", refs)) + " is not set (no such"
            + " key, and no such environment variable" + where + ")");
      }
    }
  }

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
            .setIncluder(new RequiredIncludes()));
      }
      return ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription(uri.toString())
          .setIncluder(new RequiredIncludes()));
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

  /**
   * Includes that must exist: HOCON skips a missing {@code include "x.conf"} silently, which would run
   * an experiment without the settings the user meant to include.
   */
  static final class RequiredIncludes implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL,
      ConfigIncluderClasspath {

    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
      return this;
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
      ConfigParseable p = context.relativeTo(what);
      if (p == null) {
        throw new IllegalArgumentException("include \"" + what + "\": not found");
      }
      return p.parse(context.parseOptions().setAllowMissing(false));
    }

    @Override
    public ConfigObject includeFile(ConfigIncludeContext context, File what) {
      return ConfigFactory.parseFile(what, context.parseOptions().setAllowMissing(false)).root();
    }

    @Override
    public ConfigObject includeURL(ConfigIncludeContext context, URL what) {
      return ConfigFactory.parseURL(what, context.parseOptions().setAllowMissing(false)).root();
    }

    @Override
    public ConfigObject includeResources(ConfigIncludeContext context, String what) {
      return ConfigFactory.parseResources(what, context.parseOptions().setAllowMissing(false)).root();
    }
  }
}
