package dev.tributary.job.deploy;

import static dev.tributary.job.deploy.DeploymentFiles.list;
import static dev.tributary.job.deploy.DeploymentFiles.map;
import static dev.tributary.job.deploy.DeploymentFiles.string;
import static dev.tributary.job.deploy.KnownFlinkOptions.PROMETHEUS_FACTORY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Flink configuration of compose ({@code FLINK_PROPERTIES}) and of the FlinkDeployment: every
 * key is a real Flink option ({@link KnownFlinkOptions}) with a value of its type, both survive the
 * way they reach Flink, and they set what the job relies on (RocksDB, incremental checkpoints, HA,
 * durable checkpoint storage, the Prometheus reporter).
 */
class FlinkConfigurationTest {

  private static final DeploymentFiles deploy = DeploymentFiles.load();
  private static KnownFlinkOptions flink;

  @BeforeAll
  static void discoverFlinkOptions() throws IOException {
    flink = KnownFlinkOptions.discover();
  }

  @Test
  void theOptionDiscoveryFindsFlinksOptionClasses() {
    assertThat(flink.optionClasses)
        .contains(
            "org.apache.flink.configuration.CheckpointingOptions",
            "org.apache.flink.configuration.StateBackendOptions",
            "org.apache.flink.configuration.HighAvailabilityOptions",
            "org.apache.flink.state.rocksdb.RocksDBOptions",
            "dev.tributary.job.config.JobOptions");
    assertThat(flink.primary.size()).isGreaterThan(400);
    assertThat(flink.isKnown("execution.checkpointing.dir")).isTrue();
    assertThat(flink.deprecated).containsKey("state.checkpoints.dir"); // a fallback key
    assertThat(flink.isKnown("execution.checkpointing.no-such-thing")).isFalse();
    // the patterns below are only allowed because these option classes are not on the classpath
    assertThatThrownBy(
            () ->
                Class.forName("org.apache.flink.kubernetes.configuration.KubernetesConfigOptions"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(
            () -> Class.forName("org.apache.flink.metrics.prometheus.PrometheusReporterFactory"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void composeFlinkPropertiesSurviveTheImageEntrypointAndAreTheSameForAllFlinkProcesses()
      throws IOException {
    for (String name : List.of("jobmanager", "taskmanager")) {
      String block = string(map(deploy.service(name).get("environment")).get("FLINK_PROPERTIES"));
      for (String line : block.split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        // the flink:2.x entrypoint keeps every line, strips all whitespace and splits at ':'
        assertThat(line).as("FLINK_PROPERTIES line").doesNotStartWith("#").contains(": ");
        String value = line.substring(line.indexOf(':') + 1).strip();
        assertThat(value)
            .as(line)
            .doesNotContainPattern("\\s")
            .doesNotContain("\"", "'")
            .isNotEmpty();
      }
      assertNoKeyIsAPrefixOfAnother(deploy.composeFlinkProperties(name).keySet());
    }
    assertThat(deploy.composeFlinkProperties("taskmanager"))
        .isEqualTo(deploy.composeFlinkProperties("jobmanager"));
  }

  @Test
  void everyComposeFlinkKeyIsARealFlinkOptionWithAValidValue() throws IOException {
    Map<String, String> properties = deploy.composeFlinkProperties("jobmanager");
    assertThat(properties).hasSizeGreaterThan(15);
    flink.assertValid(properties, false, "compose FLINK_PROPERTIES");

    assertThat(properties)
        .containsEntry("state.backend.type", "rocksdb")
        .containsEntry("execution.checkpointing.incremental", "true")
        .containsEntry("pipeline.generic-types", "false")
        .containsEntry("high-availability.type", "zookeeper")
        .containsEntry("metrics.reporter.prom.factory.class", PROMETHEUS_FACTORY);
    assertThat(properties.get("state.backend.rocksdb.localdir")).startsWith("/");
    // checkpoints, savepoints and HA data are on the named volume both Flink services mount
    for (String name : List.of("jobmanager", "taskmanager")) {
      assertThat(deploy.mountsOf(name)).containsEntry("/flink-data", "flink-data");
    }
    for (String key :
        List.of(
            "execution.checkpointing.dir",
            "execution.checkpointing.savepoint-dir",
            "high-availability.storageDir")) {
      assertThat(properties.get(key)).as(key).startsWith("file:///flink-data/");
    }
    assertThat(properties.get("high-availability.zookeeper.quorum"))
        .startsWith("zookeeper:")
        .satisfies(
            q -> assertThat(map(deploy.composeFile.get("services"))).containsKey("zookeeper"));
  }

  @Test
  void everyFlinkDeploymentKeyIsARealFlinkOptionWithAValidValue() {
    Map<String, Object> spec = map(deploy.k8sDocs.get("flink-deployment.yaml").get(0).get("spec"));
    Map<String, String> configuration = new TreeMap<>();
    map(spec.get("flinkConfiguration")).forEach((k, v) -> configuration.put(k, string(v)));
    assertThat(configuration).hasSizeGreaterThan(15);
    assertNoKeyIsAPrefixOfAnother(configuration.keySet());
    flink.assertValid(configuration, true, "FlinkDeployment flinkConfiguration");

    assertThat(configuration)
        .containsEntry("state.backend.type", "rocksdb")
        .containsEntry("execution.checkpointing.incremental", "true")
        .containsEntry("pipeline.generic-types", "false")
        .containsEntry("high-availability.type", "kubernetes")
        .containsEntry("metrics.reporter.prom.factory.class", PROMETHEUS_FACTORY);
    String storage = configuration.get("execution.checkpointing.dir");
    assertThat(storage).startsWith("s3://");
    String bucket = storage.substring(0, storage.indexOf('/', "s3://".length()));
    assertThat(configuration.get("execution.checkpointing.savepoint-dir")).startsWith(bucket + "/");
    assertThat(configuration.get("high-availability.storageDir")).startsWith(bucket + "/");
    // the RocksDB directory is a volume of the pod template
    Map<String, Object> container =
        map(list(map(map(spec.get("podTemplate")).get("spec")).get("containers")).get(0));
    assertThat(string(container.get("name"))).isEqualTo("flink-main-container");
    assertThat(
            list(container.get("volumeMounts")).stream().map(v -> string(map(v).get("mountPath"))))
        .contains(configuration.get("state.backend.rocksdb.localdir"));
  }

  private static void assertNoKeyIsAPrefixOfAnother(Collection<String> keys) {
    for (String a : keys) {
      for (String b : keys) {
        assertThat(b)
            .as("keys %s and %s would nest into each other in the YAML config", a, b)
            .doesNotStartWith(a + ".");
      }
    }
  }
}
