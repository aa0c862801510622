package dev.tributary.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.tributary.job.config.JobOptions;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.MetricOptions;

/** Every ConfigOption key of Flink's option classes (and the job's own), found by reflection. */
final class KnownFlinkOptions {
  final Set<String> optionClasses = new TreeSet<>();
  final Map<String, ConfigOption<?>> primary = new TreeMap<>();
  final Map<String, ConfigOption<?>> deprecated = new TreeMap<>();

  /** Keys MetricOptions defines relative to {@code metrics.reporter.<name>.}. */
  final Set<String> reporterSuffixes = new TreeSet<>();

  /**
   * The Prometheus reporter's factory (flink-metrics-prometheus, a plugin: not on this classpath).
   */
  static final String PROMETHEUS_FACTORY =
      "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

  /** Options of flink-metrics-prometheus's PrometheusReporter (a plugin, not on this classpath). */
  private static final Set<String> PROMETHEUS_PARAMETERS =
      Set.of("port", "filterLabelValueCharacters");

  private static final List<String> SEEDS =
      List.of(
          "org.apache.flink.configuration.CheckpointingOptions",
          "org.apache.flink.configuration.StateBackendOptions",
          "org.apache.flink.configuration.HighAvailabilityOptions",
          "org.apache.flink.configuration.JobManagerOptions",
          "org.apache.flink.configuration.TaskManagerOptions",
          "org.apache.flink.configuration.RestOptions",
          "org.apache.flink.configuration.PipelineOptions",
          "org.apache.flink.configuration.MetricOptions",
          "org.apache.flink.configuration.CoreOptions",
          "org.apache.flink.configuration.StateRecoveryOptions",
          "org.apache.flink.configuration.SecurityOptions",
          "org.apache.flink.configuration.ExecutionOptions",
          "org.apache.flink.configuration.RestartStrategyOptions",
          "org.apache.flink.state.rocksdb.RocksDBOptions",
          "org.apache.flink.client.cli.ClientOptions");

  static KnownFlinkOptions discover() throws IOException {
    KnownFlinkOptions known = new KnownFlinkOptions();
    Set<Path> jars = new HashSet<>();
    for (String seed : SEEDS) {
      Class<?> c;
      try {
        c = Class.forName(seed);
      } catch (ClassNotFoundException e) {
        throw new AssertionError("Flink option class missing from the test classpath: " + seed, e);
      }
      known.add(c);
      try {
        Path location = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isRegularFile(location)) {
          jars.add(location);
        }
      } catch (URISyntaxException | RuntimeException e) {
        // a class without a jar (e.g. a directory on the classpath) is still added above
      }
    }
    // every other *Options class in the same jars (flink-core, flink-runtime, RocksDB, clients)
    for (Path jar : jars) {
      try (JarFile file = new JarFile(jar.toFile())) {
        Enumeration<JarEntry> entries = file.entries();
        while (entries.hasMoreElements()) {
          String name = entries.nextElement().getName();
          if (name.startsWith("org/apache/flink/")
              && name.endsWith("Options.class")
              && !name.contains("$")) {
            try {
              known.add(Class.forName(name.substring(0, name.length() - 6).replace('/', '.')));
            } catch (Throwable notLoadable) {
              // optional dependencies missing: those options cannot be checked, and are not used
            }
          }
        }
      }
    }
    known.add(JobOptions.class);
    return known;
  }

  static Set<String> keysOf(Class<?> c) {
    Set<String> keys = new TreeSet<>();
    for (ConfigOption<?> option : options(c)) {
      keys.add(option.key());
    }
    return keys;
  }

  private static List<ConfigOption<?>> options(Class<?> c) {
    List<ConfigOption<?>> options = new ArrayList<>();
    for (Field field : c.getFields()) {
      if (Modifier.isStatic(field.getModifiers())
          && ConfigOption.class.isAssignableFrom(field.getType())) {
        try {
          options.add((ConfigOption<?>) field.get(null));
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    return options;
  }

  private void add(Class<?> c) {
    List<ConfigOption<?>> options = options(c);
    if (options.isEmpty()) {
      return;
    }
    optionClasses.add(c.getName());
    for (ConfigOption<?> option : options) {
      if (c == MetricOptions.class && !option.key().startsWith("metrics.")) {
        reporterSuffixes.add(option.key());
        continue;
      }
      primary.putIfAbsent(option.key(), option);
      for (FallbackKey fallback : option.fallbackKeys()) {
        deprecated.putIfAbsent(fallback.getKey(), option);
      }
    }
  }

  boolean isKnown(String key) {
    return primary.containsKey(key) || deprecated.containsKey(key);
  }

  /**
   * Every key is a current (not only a deprecated) option key, or a reporter or operator key of a
   * plugin whose option class is not on the classpath; every value parses as its option's type.
   */
  void assertValid(Map<String, String> config, boolean kubernetesOperator, String where) {
    Configuration parsed = Configuration.fromMap(config);
    Pattern reporter = Pattern.compile("metrics\\.reporter\\.([^.]+)\\.(.+)");
    int typed = 0;
    for (var entry : config.entrySet()) {
      String key = entry.getKey();
      Matcher m = reporter.matcher(key);
      if (m.matches()) {
        String factory = config.get("metrics.reporter." + m.group(1) + ".factory.class");
        boolean prometheusParameter =
            PROMETHEUS_FACTORY.equals(factory) && PROMETHEUS_PARAMETERS.contains(m.group(2));
        assertThat(reporterSuffixes.contains(m.group(2)) || prometheusParameter)
            .as("%s: %s is a reporter option", where, key)
            .isTrue();
        if (prometheusParameter && m.group(2).equals("port")) {
          assertThat(entry.getValue()).as(key).matches("\\d+(-\\d+)?");
        }
        continue;
      }
      if (kubernetesOperator && key.startsWith("kubernetes.")) {
        assertThat(key).as(where).matches("kubernetes\\.[a-z0-9.-]+");
        continue;
      }
      // options of the flink-s3-fs-hadoop plugin (not on this classpath), handed on to S3A
      if (key.startsWith("s3.") || key.startsWith("fs.s3a.")) {
        assertThat(key).as(where).matches("(s3|fs\\.s3a)\\.[a-z0-9.-]+");
        continue;
      }
      assertThat(primary.containsKey(key))
          .as(
              "%s: %s is a Flink option%s",
              where,
              key,
              deprecated.containsKey(key)
                  ? " (it is deprecated: use " + deprecated.get(key).key() + ")"
                  : "")
          .isTrue();
      ConfigOption<?> option = primary.get(key);
      assertThatCode(() -> parsed.get(option))
          .as("%s: %s = %s", where, key, entry.getValue())
          .doesNotThrowAnyException();
      typed++;
    }
    assertThat(typed).as(where + ": options checked by type").isGreaterThan(10);
  }
}
