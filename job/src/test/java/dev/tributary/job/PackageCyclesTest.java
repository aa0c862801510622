package dev.tributary.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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

/**
 * The job's packages read bottom-up in pipeline order: no two packages depend on each other,
 * directly or through others. A dependency is an import or a fully qualified name of a class in
 * another package of {@code dev.tributary.job}.
 */
class PackageCyclesTest {
  private static final Path MAIN = Path.of("src", "main", "java");
  private static final Pattern PACKAGE =
      Pattern.compile("^package (dev\\.tributary\\.job[\\w.]*);", Pattern.MULTILINE);
  // a class reference: lower-case package segments, then a capitalised class name
  private static final Pattern REFERENCE =
      Pattern.compile("\\b(dev\\.tributary\\.job(?:\\.[a-z]\\w*)*)\\.[A-Z]");

  static Map<String, Set<String>> dependencies() throws IOException {
    Map<String, Set<String>> deps = new TreeMap<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String source = Files.readString(f);
        Matcher p = PACKAGE.matcher(source);
        assertThat(p.find()).as("package of %s", f).isTrue();
        String own = p.group(1);
        Set<String> out = deps.computeIfAbsent(own, k -> new TreeSet<>());
        Matcher r = REFERENCE.matcher(source.substring(p.end()));
        while (r.find()) {
          if (!r.group(1).equals(own)) {
            out.add(r.group(1));
          }
        }
      }
    }
    return deps;
  }

  /** The strongly connected components with more than one package (Tarjan). */
  static List<Set<String>> cycles(Map<String, Set<String>> deps) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> out = new ArrayList<>();
    int[] counter = {0};
    for (String v : deps.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, deps, index, low, stack, onStack, out, counter);
      }
    }
    return out;
  }

  private static void connect(
      String v,
      Map<String, Set<String>> deps,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      List<Set<String>> out,
      int[] counter) {
    index.put(v, counter[0]);
    low.put(v, counter[0]++);
    stack.push(v);
    onStack.add(v);
    for (String w : deps.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, deps, index, low, stack, onStack, out, counter);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        out.add(component);
      }
    }
  }

  @Test
  void noPackageDependsOnItselfThroughOthers() throws IOException {
    Map<String, Set<String>> deps = dependencies();
    assertThat(deps).containsKeys("dev.tributary.job.base", "dev.tributary.job.payments");
    assertThat(cycles(deps)).as("package cycles; dependencies: %s", deps).isEmpty();
  }

  @Test
  void theBasePackageDependsOnNoOtherPackageOfTheJob() throws IOException {
    assertThat(dependencies().get("dev.tributary.job.base")).isEmpty();
  }

  @Test
  void theCycleFinderFindsACycle() {
    Map<String, Set<String>> deps =
        Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
    assertThat(cycles(new TreeMap<>(deps))).containsExactly(Set.of("a", "b", "c"));
  }
}
