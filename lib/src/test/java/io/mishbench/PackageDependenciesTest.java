package io.mishbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packages of lib form a DAG: a package never reaches itself through the {@code io.mishbench.*}
 * packages it uses. Uses are read from the sources of lib/src/main (imports, static imports and
 * fully qualified names in code), so a cycle fails here with the files that make each edge.
 */
class PackageDependenciesTest {

  private static final Pattern PACKAGE = Pattern.compile("^package\\s+(io\\.mishbench[\\w.]*);", Pattern.MULTILINE);
  /** {@code io.mishbench.pkg[.sub].Type}: the package is the lower-case run before the first capital. */
  private static final Pattern USE = Pattern.compile("\\b(io\\.mishbench(?:\\.[a-z]\\w*)+)\\.[A-Z]");
  private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

  @Test
  void libPackagesHaveNoCycles() {
    Map<String, Map<String, Set<String>>> graph = scan(Path.of("src", "main", "java"));
    assertTrue(graph.size() >= 8, "the scan should find lib's packages, found " + graph.keySet());
    assertTrue(graph.values().stream().mapToLong(m -> m.size()).sum() >= 10, "the scan should find uses: " + graph);
    List<List<String>> cycles = cycles(edges(graph));
    StringBuilder why = new StringBuilder();
    for (List<String> cycle : cycles) {
      why.append("\n  cycle ").append(String.join(" -> ", cycle)).append(" -> ").append(cycle.get(0));
      for (int i = 0; i < cycle.size(); i++) {
        String from = cycle.get(i);
        for (String to : cycle) {
          Set<String> files = graph.get(from).get(to);
          if (files != null) {
            why.append("\n    ").append(from).append(" uses ").append(to).append(" in ").append(files);
          }
        }
      }
    }
    assertEquals(List.of(), cycles, "io.mishbench packages must form a DAG:" + why);
  }

  @Test
  void detectsACycleAndOnlyACycle() {
    Map<String, Set<String>> dag = Map.of("a", Set.of("b", "c"), "b", Set.of("c"), "c", Set.of());
    assertEquals(List.of(), cycles(dag));
    Map<String, Set<String>> cyclic = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a", "d"), "d", Set.of());
    assertEquals(List.of(List.of("a", "b", "c")), cycles(cyclic));
  }

  @Test
  void readsImportsAndQualifiedNamesButNotComments(@TempDir Path dir) throws IOException {
    Path a = Files.createDirectories(dir.resolve("io/mishbench/a"));
    Files.writeString(a.resolve("A.java"), """
        package io.mishbench.a;
        import io.mishbench.b.B;
        import static io.mishbench.c.C.helper;
        /** See {@link io.mishbench.z.Z}. */
        class A { io.mishbench.d.sub.D d; } // io.mishbench.y.Y
        """);
    Map<String, Set<String>> uses = edges(scan(dir));
    assertEquals(Set.of("io.mishbench.b", "io.mishbench.c", "io.mishbench.d.sub"), uses.get("io.mishbench.a"));
  }

  /** For each package, each package it uses, with the files that use it. */
  static Map<String, Map<String, Set<String>>> scan(Path root) {
    Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String text = COMMENT.matcher(Files.readString(f)).replaceAll(" ");
        Matcher pm = PACKAGE.matcher(text);
        if (!pm.find()) {
          continue;
        }
        String pkg = pm.group(1);
        Map<String, Set<String>> uses = graph.computeIfAbsent(pkg, k -> new TreeMap<>());
        Matcher m = USE.matcher(text.substring(pm.end()));
        while (m.find()) {
          if (!m.group(1).equals(pkg)) {
            uses.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(f.getFileName().toString());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return graph;
  }

  private static Map<String, Set<String>> edges(Map<String, Map<String, Set<String>>> graph) {
    Map<String, Set<String>> edges = new TreeMap<>();
    graph.forEach((p, uses) -> edges.put(p, new TreeSet<>(uses.keySet())));
    return edges;
  }

  /** The strongly connected components with more than one package (Tarjan), each sorted, in name order. */
  static List<List<String>> cycles(Map<String, Set<String>> edges) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<List<String>> out = new ArrayList<>();
    int[] next = {0};
    for (String v : new TreeSet<>(edges.keySet())) {
      if (!index.containsKey(v)) {
        connect(v, edges, index, low, stack, onStack, out, next);
      }
    }
    out.sort((x, y) -> x.get(0).compareTo(y.get(0)));
    return out;
  }

  private static void connect(String v, Map<String, Set<String>> edges, Map<String, Integer> index,
      Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<List<String>> out, int[] next) {
    index.put(v, next[0]);
    low.put(v, next[0]);
    next[0]++;
    stack.push(v);
    onStack.add(v);
    for (String w : edges.getOrDefault(v, Set.of())) {
      if (!edges.containsKey(w)) {
        continue;
      }
      if (!index.containsKey(w)) {
        connect(w, edges, index, low, stack, onStack, out, next);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      List<String> scc = new ArrayList<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        scc.add(w);
      } while (!w.equals(v));
      if (scc.size() > 1) {
        scc.sort(null);
        out.add(scc);
      }
    }
  }
}
