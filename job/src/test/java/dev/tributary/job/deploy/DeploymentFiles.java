package dev.tributary.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.config.JobOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The repository's deployment files (deploy/compose, deploy/kubernetes) parsed for the deployment
 * tests, the YAML and POM access they share, and the checks of a job's command line that both the
 * compose and the Kubernetes tests make.
 */
final class DeploymentFiles {
  /** Where the job image keeps the job jar (job/Dockerfile), for the manifests to point at. */
  static final String JOB_JAR = "/opt/flink/usrlib/tributary-job.jar";

  final Path root;
  final Path compose;
  final Path kubernetes;
  final Map<String, Object> composeFile;
  final Map<String, List<Map<String, Object>>> k8sDocs;

  private DeploymentFiles(
      Path root, Map<String, Object> composeFile, Map<String, List<Map<String, Object>>> k8sDocs) {
    this.root = root;
    this.compose = root.resolve("deploy/compose");
    this.kubernetes = root.resolve("deploy/kubernetes");
    this.composeFile = composeFile;
    this.k8sDocs = k8sDocs;
  }

  /** The compose file and every Kubernetes manifest (by file name), parsed. */
  static DeploymentFiles load() {
    Path root = repositoryRoot();
    try {
      List<Map<String, Object>> docs =
          yamlDocuments(root.resolve("deploy/compose/docker-compose.yml"));
      assertThat(docs).hasSize(1);
      Map<String, List<Map<String, Object>>> k8sDocs = new TreeMap<>();
      for (Path file : yamlFiles(root.resolve("deploy/kubernetes"))) {
        k8sDocs.put(file.getFileName().toString(), yamlDocuments(file));
      }
      return new DeploymentFiles(root, docs.get(0), k8sDocs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("deploy/compose/docker-compose.yml"))) {
      dir = dir.getParent();
    }
    assertThat(dir)
        .as(
            "repository root with deploy/compose/docker-compose.yml above %s",
            Path.of("").toAbsolutePath())
        .isNotNull();
    return dir;
  }

  static List<Path> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
          .sorted()
          .toList();
    }
  }

  /** All documents of a (multi-document) YAML file; anchors, aliases and merge keys resolved. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> yamlDocuments(Path file) throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in)) {
        if (doc != null) {
          assertThat(doc).as("document of %s", file).isInstanceOf(Map.class);
          docs.add((Map<String, Object>) doc);
        }
      }
    }
    return docs;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> yamlDocumentsOf(String text) {
    return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
  }

  Map<String, Object> service(String name) {
    Map<String, Object> services = map(composeFile.get("services"));
    assertThat(services).containsKey(name);
    return map(services.get(name));
  }

  /** Container path → source (host path or named volume) of a compose service's volumes. */
  Map<String, String> mountsOf(String serviceName) {
    Map<String, String> mounts = new LinkedHashMap<>();
    for (String volume : strings(service(serviceName).getOrDefault("volumes", List.of()))) {
      String[] parts = volume.split(":");
      mounts.put(parts[1], parts[0]);
    }
    return mounts;
  }

  /** The FLINK_PROPERTIES block of a compose service, as key → value. */
  Map<String, String> composeFlinkProperties(String serviceName) {
    String block = string(map(service(serviceName).get("environment")).get("FLINK_PROPERTIES"));
    Map<String, String> properties = new LinkedHashMap<>();
    for (String line : block.split("\n")) {
      if (!line.isBlank()) {
        int colon = line.indexOf(':');
        assertThat(colon).as(line).isPositive();
        String key = line.substring(0, colon).strip();
        assertThat(properties).as("duplicate key %s", key).doesNotContainKey(key);
        properties.put(key, line.substring(colon + 1).strip());
      }
    }
    return properties;
  }

  Map<String, Object> k8sDoc(String file, String kind) {
    List<Map<String, Object>> matching =
        k8sDocs.get(file).stream().filter(d -> kind.equals(d.get("kind"))).toList();
    assertThat(matching).as("%s in %s", kind, file).hasSize(1);
    return matching.get(0);
  }

  Map<String, Object> k8sDocByName(String file, String name) {
    List<Map<String, Object>> matching =
        k8sDocs.get(file).stream()
            .filter(d -> name.equals(map(d.get("metadata")).get("name")))
            .toList();
    assertThat(matching).as("%s in %s", name, file).hasSize(1);
    return matching.get(0);
  }

  static String property(String pom, String name) {
    return tag(pom.substring(pom.indexOf("<properties>")), name);
  }

  static String tag(String xml, String name) {
    Matcher m =
        Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">")
            .matcher(xml);
    assertThat(m.find()).as("<%s> in the POM", name).isTrue();
    return m.group(1).strip();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    assertThat(o).isInstanceOf(List.class);
    return (List<Object>) o;
  }

  static List<String> strings(Object o) {
    return list(o).stream().map(DeploymentFiles::string).toList();
  }

  static String string(Object o) {
    return o == null ? null : String.valueOf(o);
  }

  /** No argument names a password or carries a placeholder for one. */
  static void assertNoSecretIn(List<String> args, String where) {
    for (String arg : args) {
      assertThat(arg.toLowerCase(Locale.ROOT))
          .as("%s: argument %s", where, arg)
          .doesNotContain("password", "secret", "replace_me");
    }
  }

  static void assertIsMainClass(String className) throws Exception {
    Method main = Class.forName(className).getMethod("main", String[].class);
    assertThat(Modifier.isStatic(main.getModifiers())).as(className + ".main is static").isTrue();
  }

  /** {@code --key value} pairs: every key a JobOptions key, the required ones present. */
  static void assertJobArguments(List<String> args, String where) {
    Set<String> jobKeys = KnownFlinkOptions.keysOf(JobOptions.class);
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i += 2) {
      String key = args.get(i);
      assertThat(key).as("%s: argument %d", where, i).startsWith("--");
      assertThat(i + 1).as("%s: %s has a value", where, key).isLessThan(args.size());
      given.put(key.substring(2), args.get(i + 1));
    }
    assertThat(jobKeys).as("%s: JobOptions keys", where).containsAll(given.keySet());
    assertThat(given)
        .as(where)
        .containsKeys(
            JobOptions.KAFKA_BOOTSTRAP_SERVERS.key(),
            JobOptions.JDBC_URL.key(),
            JobOptions.JDBC_USER.key());
    // arguments show on the Flink UI and in the JobManager's log: the password comes from
    // TRIBUTARY_JDBC_PASSWORD in the JobManager's environment (AttributionJob)
    assertThat(given)
        .as("%s: no password among the program arguments", where)
        .doesNotContainKey(JobOptions.JDBC_PASSWORD.key());
    assertNoSecretIn(args, where);
    assertThat(given.get(JobOptions.JDBC_URL.key())).startsWith("jdbc:postgresql://");
  }
}
