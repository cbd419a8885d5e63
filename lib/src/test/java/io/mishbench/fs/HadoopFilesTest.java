package io.mishbench.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Locations are paths, not URI text; one folder has one spelling. */
class HadoopFilesTest {

  @TempDir Path dir;

  static Stream<String> hostileNames() {
    return Stream.of("a b", "50%", "%20", "x#y", "why?q=1", "[set]", "c:d", "q'u\"o", "é ü 名", "#", "?", "%");
  }

  @ParameterizedTest
  @MethodSource("hostileNames")
  void aNameIsANameAsPlainPathFileLocationAndChild(String name) throws Exception {
    Path file = Files.writeString(dir.resolve(name), "x");
    Configuration conf = new Configuration();
    for (URI uri : new URI[] {
        HadoopFiles.resolve(file.toString()),
        HadoopFiles.resolve("file:" + file),
        HadoopFiles.child(HadoopFiles.resolve(dir.toString()), name)}) {
      assertEquals(file.toFile(), new File(uri), uri.toString());
      assertTrue(HadoopFiles.fs(uri, conf).exists(new org.apache.hadoop.fs.Path(uri)), uri.toString());
      // the readable name kept in listings and manifests comes back as the same path
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
      assertEquals(p, HadoopFiles.path(p.toString()), p.toString());
      assertEquals(uri, URI.create(uri.toString()), "a URI's text parses back to itself");
    }
  }

  @Test
  void oneLocalFolderHasOneSpelling() throws Exception {
    String abs = dir.toAbsolutePath().toString();
    URI expected = HadoopFiles.resolve(abs);
    assertEquals("file:" + abs, expected.toString());
    for (String spelling : new String[] {abs + "/", "file:" + abs, "file://" + abs, "file://localhost" + abs,
        abs + "/./", dir.resolve("sub").toString() + "/.."}) {
      assertEquals(expected, HadoopFiles.resolve(spelling), spelling);
      assertEquals(expected, HadoopFiles.qualify(HadoopFiles.resolve(spelling), new Configuration()), spelling);
    }
  }

  @Test
  void qualifyGivesTheDefaultFileSystemsAuthority() throws Exception {
    Configuration conf = new Configuration();
    conf.set("fs.defaultFS", "hdfs://127.0.0.1:8020");
    URI expected = URI.create("hdfs://127.0.0.1:8020/data/set");
    assertEquals(expected, HadoopFiles.qualify(HadoopFiles.resolve("hdfs:///data/set"), conf));
    assertEquals(expected, HadoopFiles.qualify(HadoopFiles.resolve("hdfs://127.0.0.1:8020/data/set/"), conf));
  }
  private static Configuration faulty(String mode) {
    FaultyLocalFileSystem.mode = mode;
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", FaultyLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }

  @Test
  void anAtomicWriteIsSyncedBeforeItsRename() throws Exception {
    Configuration conf = faulty("count");
    int before = FaultyLocalFileSystem.HSYNCS.get();
    HadoopFiles.writeText(HadoopFiles.resolve(dir.resolve("a.txt").toString()), "hello", conf);
    assertEquals("hello", Files.readString(dir.resolve("a.txt")));
    assertEquals(before + 1, FaultyLocalFileSystem.HSYNCS.get(), "hsync before the rename");
  }

  @Test
  void aFullDiskReportsItsOwnErrorEvenWhenCleaningUpFailsToo() throws Exception {
    Files.writeString(dir.resolve("a.txt"), "old");
    java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> HadoopFiles.writeText(HadoopFiles.resolve(dir.resolve("a.txt").toString()), "a longer new text",
            faulty("full")));
    assertEquals("No space left on device", e.getMessage());
    assertEquals("old", Files.readString(dir.resolve("a.txt")), "the old file is intact");
  }

  @Test
  void temporaryFilesOfCrashedWritersAreRemovedOnlyWhenOld() throws Exception {
    Path old = Files.writeString(dir.resolve(".a.txt.0000.tmp"), "half");
    Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()
        - HadoopFiles.STALE_TMP_MS - 60_000));
    Path fresh = Files.writeString(dir.resolve(".a.txt.1111.tmp"), "another writer's, in progress");
    HadoopFiles.writeText(HadoopFiles.resolve(dir.resolve("a.txt").toString()), "x", new Configuration());
    assertTrue(!Files.exists(old) && Files.exists(fresh));
  }
}
