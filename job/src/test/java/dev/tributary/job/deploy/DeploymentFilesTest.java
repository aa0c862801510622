package dev.tributary.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.job.config.JobOptions;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.MetricOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks the deployment files (deploy/compose, deploy/kubernetes and the two Dockerfiles) against
 * the code they deploy, without Docker or a cluster: the YAML parses, every file a service mounts
 * or builds exists, every Flink key is a real Flink option with a value of the right type, every
 * job argument is a {@link JobOptions} key, the gateway's probes and environment variables are the
 * ones the gateway serves and reads, and the images agree with the versions in the POMs.
 */
class DeploymentFilesTest {

  private static Path root;
  private static Path compose;
  private static Path kubernetes;
  private static Map<String, Object> composeFile;
  private static Map<String, List<Map<String, Object>>> k8sDocs;
  private static KnownFlinkOptions flink;

  @BeforeAll
  static void load() throws IOException {
    root = repositoryRoot();
    compose = root.resolve("deploy/compose");
    kubernetes = root.resolve("deploy/kubernetes");
    List<Map<String, Object>> docs = yamlDocuments(compose.resolve("docker-compose.yml"));
    assertThat(docs).hasSize(1);
    composeFile = docs.get(0);
    k8sDocs = new TreeMap<>();
    for (Path file : yamlFiles(kubernetes)) {
      k8sDocs.put(file.getFileName().toString(), yamlDocuments(file));
    }
    flink = KnownFlinkOptions.discover();
  }

  // ---------------------------------------------------------------- YAML

  @Test
  void everyYamlFileParsesIntoMappings() throws IOException {
    List<Path> files = new ArrayList<>(yamlFiles(compose));
    files.addAll(yamlFiles(kubernetes));
    assertThat(files.stream().map(f -> root.relativize(f).toString()))
        .contains(
            "deploy/compose/docker-compose.yml",
            "deploy/compose/prometheus/prometheus.yml",
            "deploy/kubernetes/kustomization.yaml",
            "deploy/kubernetes/flink-deployment.yaml",
            "deploy/kubernetes/gateway-deployment.yaml",
            "deploy/kubernetes/gateway-configmap.yaml",
            "deploy/kubernetes/gateway-secret.example.yaml");
    for (Path file : files) {
      List<Map<String, Object>> docs = yamlDocuments(file);
      assertThat(docs).as("documents of %s", file).isNotEmpty().doesNotContainNull();
    }
    // multi-document files really hold several resources
    assertThat(kinds("gateway-deployment.yaml"))
        .containsExactly("Deployment", "Service", "PodDisruptionBudget");
    assertThat(kinds("gateway-configmap.yaml")).containsExactly("ConfigMap", "ConfigMap");
  }

  @Test
  void everyKubernetesResourceIsNamedAndTheKustomizationListsAllButTheExamples() {
    Set<String> resources = new TreeSet<>();
    for (var entry : k8sDocs.entrySet()) {
      if (entry.getKey().equals("kustomization.yaml")) {
        continue;
      }
      for (Map<String, Object> doc : entry.getValue()) {
        assertThat(doc).as(entry.getKey()).containsKeys("apiVersion", "kind", "metadata");
        assertThat(string(map(doc.get("metadata")).get("name"))).as(entry.getKey()).isNotBlank();
      }
      resources.add(entry.getKey());
    }
    Map<String, Object> kustomization = k8sDocs.get("kustomization.yaml").get(0);
    List<String> listed = strings(kustomization.get("resources"));
    for (String resource : listed) {
      assertThat(kubernetes.resolve(resource)).as("kustomization resource").isRegularFile();
    }
    Set<String> expected =
        resources.stream()
            .filter(name -> !name.endsWith(".example.yaml"))
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(new TreeSet<>(listed))
        .as("every manifest except the *.example.yaml secrets is applied")
        .isEqualTo(expected);
    assertThat(listed).noneMatch(name -> name.contains("secret"));
  }

  // ---------------------------------------------------------------- compose: files and images

  @Test
  void composeServicesBuildFromExistingDockerfilesAndMountExistingFiles() {
    Map<String, Object> services = map(composeFile.get("services"));
    assertThat(services)
        .containsKeys(
            "kafka",
            "kafka-init",
            "postgres",
            "migrate",
            "zookeeper",
            "jobmanager",
            "taskmanager",
            "gateway",
            "grafana",
            "prometheus");
    Set<String> namedVolumes = map(composeFile.get("volumes")).keySet();
    int builds = 0;
    int bindMounts = 0;
    for (var entry : services.entrySet()) {
      Map<String, Object> service = map(entry.getValue());
      assertThat(service).as(entry.getKey()).containsKey("image");
      if (service.containsKey("build")) {
        Map<String, Object> build = map(service.get("build"));
        Path context = compose.resolve(string(build.get("context"))).normalize();
        String dockerfile =
            build.containsKey("dockerfile") ? string(build.get("dockerfile")) : "Dockerfile";
        assertThat(context.resolve(dockerfile))
            .as("Dockerfile of %s", entry.getKey())
            .isRegularFile();
        builds++;
      }
      for (String volume : strings(service.getOrDefault("volumes", List.of()))) {
        String source = volume.substring(0, volume.indexOf(':'));
        if (source.startsWith(".") || source.startsWith("/")) {
          assertThat(compose.resolve(source).normalize())
              .as("%s mounts %s", entry.getKey(), source)
              .exists();
          bindMounts++;
        } else {
          assertThat(namedVolumes).as("named volume of %s", entry.getKey()).contains(source);
        }
      }
    }
    assertThat(builds).isEqualTo(4); // the job image (migrate, jobmanager, taskmanager) + gateway
    assertThat(bindMounts).isGreaterThanOrEqualTo(7);
  }

  @Test
  void imagesMatchTheVersionsThePomsPin() throws IOException {
    String rootPom = Files.readString(root.resolve("pom.xml"));
    String flinkVersion = property(rootPom, "flink.version");
    String kafkaVersion = property(rootPom, "kafka.version");
    String projectVersion = tag(rootPom, "version");

    Map<String, Object> services = map(composeFile.get("services"));
    assertThat(string(service("kafka").get("image"))).isEqualTo("apache/kafka:" + kafkaVersion);
    assertThat(string(service("kafka-init").get("image")))
        .isEqualTo("apache/kafka:" + kafkaVersion);
    // base images on a tag upstream keeps rebuilding (a release line, not a patch release, which
    // stops getting rebuilt, and security fixes, once the next one is out); PostgreSQL with its
    // Debian release named, because a new glibc changes collations under an existing volume
    assertThat(string(service("postgres").get("image"))).isEqualTo("postgres:17-trixie");
    assertThat(string(service("zookeeper").get("image"))).isEqualTo("zookeeper:3.9");

    String jobDockerfile = Files.readString(root.resolve("job/Dockerfile"));
    assertThat(jobDockerfile)
        .containsPattern("(?m)^FROM flink:" + Pattern.quote(flinkVersion) + "-java17$");
    assertThat(jobDockerfile).contains("ARG VERSION=" + projectVersion);
    assertThat(jobDockerfile)
        .contains("COPY --chown=flink:flink target/tributary-job-${VERSION}-all.jar " + JOB_JAR);
    String gatewayDockerfile = Files.readString(root.resolve("webhook-gateway/Dockerfile"));
    assertThat(gatewayDockerfile).containsPattern("(?m)^FROM eclipse-temurin:17-jre$");
    assertThat(gatewayDockerfile).contains("ARG VERSION=" + projectVersion);
    assertThat(gatewayDockerfile)
        .contains("target/tributary-webhook-gateway-${VERSION}.jar")
        .contains("\"dev.tributary.gateway.GatewayApp\"");
    assertThat(root.resolve("webhook-gateway/src/main/java/dev/tributary/gateway/GatewayApp.java"))
        .isRegularFile();

    // the tags compose gives the images default to the POM's version
    for (String name : List.of("migrate", "jobmanager", "taskmanager", "gateway")) {
      assertThat(string(map(services.get(name)).get("image")))
          .endsWith(":${TRIBUTARY_VERSION:-" + projectVersion + "}");
    }
    Map<String, Object> flinkSpec = map(k8sDocs.get("flink-deployment.yaml").get(0).get("spec"));
    assertThat(string(flinkSpec.get("image"))).endsWith(":" + projectVersion);
  }

  @Test
  void theImagesRunAsRootOnlyWhereTheyMustAndEndUnprivileged() throws IOException {
    List<DockerStep> job = dockerSteps(root.resolve("job/Dockerfile"));
    List<DockerStep> gateway = dockerSteps(root.resolve("webhook-gateway/Dockerfile"));
    for (List<DockerStep> steps : List.of(job, gateway)) {
      for (DockerStep step : steps) {
        if (step.instruction().equals("RUN") && !isRoot(step.user())) {
          assertThat(writesOutsideHome(step.arguments(), homeOf(step.user())))
              .as(
                  "RUN as %s writes outside its home (switch to USER root for it, and back): %s",
                  step.user(), step.arguments())
              .isEmpty();
        }
      }
      assertThat(isRoot(steps.get(steps.size() - 1).user()))
          .as("the image ends as an unprivileged user")
          .isFalse();
    }
    assertThat(job.get(job.size() - 1).user()).isEqualTo("flink");
    assertThat(gateway.get(gateway.size() - 1).user()).isEqualTo("10001:10001");

    // /flink-data is created by root and handed to flink, so a new named volume is flink's
    List<DockerStep> flinkData =
        job.stream()
            .filter(s -> s.instruction().equals("RUN") && s.arguments().contains("/flink-data"))
            .toList();
    assertThat(flinkData).hasSize(1);
    assertThat(flinkData.get(0).user()).isEqualTo("root");
    assertThat(flinkData.get(0).arguments())
        .containsPattern("chown -R flink:flink [^;&|]*/flink-data");

    // the check itself: the 2.2 base image's own USER is what made the old Dockerfile fail
    assertThat(baseImageUser("flink:2.2.1-java17")).isEqualTo("flink");
    assertThat(baseImageUser("flink:2.1.1-java17")).isEqualTo("root");
    assertThat(writesOutsideHome("set -eu; mkdir -p usrlib /flink-data", homeOf("flink")))
        .containsExactly("/flink-data");
    assertThat(writesOutsideHome("mkdir -p /opt/flink/plugins/x /tmp/y", homeOf("flink")))
        .isEmpty();
  }

  @Test
  void everyComposeVariableIsDocumentedInTheEnvExample() throws IOException {
    String composeText = Files.readString(compose.resolve("docker-compose.yml"));
    Set<String> used = new TreeSet<>();
    Matcher m = Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)").matcher(composeText);
    while (m.find()) {
      used.add(m.group(1));
    }
    Set<String> documented = new TreeSet<>();
    for (String line : Files.readAllLines(compose.resolve(".env.example"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        assertThat(line).as(".env.example line").contains("=");
        documented.add(line.substring(0, line.indexOf('=')));
      }
    }
    assertThat(used).contains("POSTGRES_PASSWORD", "TRIBUTARY_JOB_ID", "TRIBUTARY_RESTORE_FROM");
    assertThat(documented).containsAll(used);
  }

  @Test
  void grafanaGetsEveryVariableItsDatasourceExpectsAndTheDashboardsWhereTheProviderLooks()
      throws IOException {
    Path datasource = root.resolve("deploy/grafana/provisioning/datasources/tributary.yaml");
    Set<String> placeholders = new TreeSet<>();
    String uncommented =
        Files.readAllLines(datasource).stream()
            .filter(line -> !line.strip().startsWith("#"))
            .collect(Collectors.joining("\n"));
    Matcher m = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)\\}").matcher(uncommented);
    while (m.find()) {
      placeholders.add(m.group(1));
    }
    assertThat(placeholders).contains("TRIBUTARY_PG_HOST", "TRIBUTARY_PG_PASSWORD");
    Map<String, Object> grafana = service("grafana");
    assertThat(map(grafana.get("environment")).keySet()).containsAll(placeholders);

    Map<String, Object> provider =
        map(
            list(yamlDocuments(
                        root.resolve("deploy/grafana/provisioning/dashboards/tributary.yaml"))
                    .get(0)
                    .get("providers"))
                .get(0));
    String dashboardsPath = string(map(provider.get("options")).get("path"));
    assertThat(mountsOf("grafana")).containsEntry(dashboardsPath, "../grafana/dashboards");
    assertThat(compose.resolve("../grafana/dashboards/tributary.json").normalize()).isRegularFile();
    assertThat(mountsOf("grafana"))
        .containsEntry(
            "/etc/grafana/provisioning/datasources", "../grafana/provisioning/datasources")
        .containsEntry(
            "/etc/grafana/provisioning/dashboards", "../grafana/provisioning/dashboards");
  }

  @Test
  void prometheusScrapesTheGatewayAndFlinksReporterWhereTheyListen() throws IOException {
    Map<String, Object> prometheus =
        yamlDocuments(compose.resolve("prometheus/prometheus.yml")).get(0);
    Map<String, List<String>> targets = new LinkedHashMap<>();
    for (Object o : list(prometheus.get("scrape_configs"))) {
      Map<String, Object> job = map(o);
      List<String> jobTargets = new ArrayList<>();
      for (Object s : list(job.getOrDefault("static_configs", List.of()))) {
        jobTargets.addAll(strings(map(s).get("targets")));
      }
      for (Object s : list(job.getOrDefault("dns_sd_configs", List.of()))) {
        for (String name : strings(map(s).get("names"))) {
          jobTargets.add(name + ":" + map(s).get("port"));
        }
      }
      targets.put(string(job.get("job_name")), jobTargets);
    }
    // /metrics is on the gateway's operations port
    String gatewayPort =
        string(map(service("gateway").get("environment")).get("TRIBUTARY_OPS_PORT"));
    String reporterPort = composeFlinkProperties("jobmanager").get("metrics.reporter.prom.port");
    assertThat(targets.get("tributary-gateway")).containsExactly("gateway:" + gatewayPort);
    assertThat(targets.get("flink-jobmanager")).containsExactly("jobmanager:" + reporterPort);
    assertThat(targets.get("flink-taskmanager")).containsExactly("taskmanager:" + reporterPort);
    assertThat(mountsOf("prometheus"))
        .containsEntry("/etc/prometheus/prometheus.yml", "./prometheus/prometheus.yml");
  }

  // ---------------------------------------------------------------- Flink configuration

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
      String block = string(map(service(name).get("environment")).get("FLINK_PROPERTIES"));
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
      assertNoKeyIsAPrefixOfAnother(composeFlinkProperties(name).keySet());
    }
    assertThat(composeFlinkProperties("taskmanager"))
        .isEqualTo(composeFlinkProperties("jobmanager"));
  }

  @Test
  void everyComposeFlinkKeyIsARealFlinkOptionWithAValidValue() throws IOException {
    Map<String, String> properties = composeFlinkProperties("jobmanager");
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
      assertThat(mountsOf(name)).containsEntry("/flink-data", "flink-data");
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
        .satisfies(q -> assertThat(map(composeFile.get("services"))).containsKey("zookeeper"));
  }

  @Test
  void everyFlinkDeploymentKeyIsARealFlinkOptionWithAValidValue() {
    Map<String, Object> spec = map(k8sDocs.get("flink-deployment.yaml").get(0).get("spec"));
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

  @Test
  void theFlinkDeploymentUpgradesThroughSavepointsAndRunsTheJobFromTheImage() throws Exception {
    Map<String, Object> spec = map(k8sDocs.get("flink-deployment.yaml").get(0).get("spec"));
    // the operator's FlinkVersion of the image's Flink minor (operator 1.13 has v2_2, FLINK-38147)
    String flinkVersion = property(Files.readString(root.resolve("pom.xml")), "flink.version");
    String[] majorMinor = flinkVersion.split("\\.");
    assertThat(string(spec.get("flinkVersion")))
        .isEqualTo("v" + majorMinor[0] + "_" + majorMinor[1])
        .isEqualTo("v2_2");
    assertThat(string(spec.get("image"))).startsWith("tributary-job:");
    Map<String, Object> job = map(spec.get("job"));
    assertThat(job)
        .containsEntry("upgradeMode", "savepoint")
        .containsEntry("state", "running")
        .containsEntry("jarURI", "local://" + JOB_JAR)
        .containsEntry("entryClass", "dev.tributary.job.AttributionJob");
    assertThat((Integer) job.get("parallelism")).isPositive();
    assertIsMainClass(string(job.get("entryClass")));
    assertJobArguments(strings(job.get("args")), "FlinkDeployment job.args");

    // every variable the pods get comes from a Secret of the examples: the S3 credentials, and
    // the warehouse password and the email hashing key (the gateway's) for the JobManager, which
    // runs main() (application mode)
    Map<String, Set<String>> exampleSecrets = new TreeMap<>();
    for (String file :
        List.of(
            "flink-s3-secret.example.yaml",
            "warehouse-secret.example.yaml",
            "gateway-secret.example.yaml")) {
      Map<String, Object> secret = k8sDocs.get(file).get(0);
      exampleSecrets.put(
          string(map(secret.get("metadata")).get("name")), map(secret.get("stringData")).keySet());
    }
    Map<String, Object> container =
        map(list(map(map(spec.get("podTemplate")).get("spec")).get("containers")).get(0));
    Map<String, Map<String, Object>> refs = new TreeMap<>();
    for (Object env : list(container.get("env"))) {
      assertThat(map(env)).as("env %s", env).doesNotContainKey("value");
      Map<String, Object> ref = map(map(map(env).get("valueFrom")).get("secretKeyRef"));
      assertThat(exampleSecrets).containsKey(string(ref.get("name")));
      assertThat(exampleSecrets.get(string(ref.get("name")))).contains(string(ref.get("key")));
      refs.put(string(map(env).get("name")), ref);
    }
    assertThat(refs).containsKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
    assertThat(refs.get("TRIBUTARY_JDBC_PASSWORD"))
        .containsEntry("name", "tributary-warehouse")
        .containsEntry("key", "password")
        .doesNotContainKey("optional");
    assertThat(refs.get("AWS_ACCESS_KEY_ID")).containsEntry("name", "tributary-flink-s3");
    // the job hashes emails with the key the gateway hashes them with
    assertThat(refs.get("TRIBUTARY_EMAIL_HASH_KEY"))
        .containsEntry("name", "tributary-gateway-secrets")
        .containsEntry("key", "TRIBUTARY_EMAIL_HASH_KEY");
    // the variables the pods get are the ones the job reads
    assertThat(
            Files.readString(
                root.resolve("job/src/main/java/dev/tributary/job/AttributionJob.java")))
        .contains("System::getenv")
        .contains("environment.apply(\"TRIBUTARY_JDBC_PASSWORD\")")
        .contains("environment.apply(\"TRIBUTARY_EMAIL_HASH_KEY\")");
  }

  @Test
  void theS3CredentialsDocumentedAreOnesS3aCanUse() throws IOException {
    // flink-s3-fs-hadoop 2.2.1 is S3A of Hadoop 3.3.4: its default chain has no web-identity
    // provider, and no cloud's workload identity other than EKS's yields S3 credentials
    String manifest = Files.readString(kubernetes.resolve("flink-deployment.yaml"));
    String readme = Files.readString(kubernetes.resolve("README.md"));
    for (String text : List.of(manifest, readme)) {
      assertThat(text)
          .contains(
              "fs.s3a.aws.credentials.provider: com.amazonaws.auth.WebIdentityTokenCredentialsProvider")
          .doesNotContainPattern("(?i)workload identity\\)")
          .doesNotContainPattern("(?i)cloud identity \\(IRSA, ?(GKE|workload)");
    }
    assertThat(readme).contains("eks.amazonaws.com/role-arn");
  }

  @Test
  void composeRunsTheJobAndTheMigrationsFromTheJobJar() throws Exception {
    Map<String, Object> jobmanager = service("jobmanager");
    List<String> entrypoint = strings(jobmanager.get("entrypoint"));
    assertThat(entrypoint).containsExactly("/bin/bash", "/opt/tributary/start-job.sh");
    assertThat(mountsOf("jobmanager"))
        .containsEntry("/opt/tributary/start-job.sh", "./flink/start-job.sh");
    String script = Files.readString(compose.resolve("flink/start-job.sh"));
    Matcher main = Pattern.compile("--job-classname ([\\w.]+)").matcher(script);
    assertThat(main.find()).isTrue();
    assertIsMainClass(main.group(1));
    assertThat(script)
        .contains("--fromSavepoint \"$TRIBUTARY_RESTORE_FROM\"", "exec /docker-entrypoint.sh");
    // the script adds no job argument of its own: the password stays in the environment, which
    // the JobManager inherits, and the script neither passes nor prints it
    String scriptCode =
        script
            .lines()
            .filter(line -> !line.strip().startsWith("#"))
            .collect(Collectors.joining("\n"));
    assertThat(scriptCode)
        .doesNotContain("--tributary.", "TRIBUTARY_JDBC_PASSWORD")
        .doesNotContainPattern("(?m)^\\s*set\\s+-[a-z]*x");
    assertJobArguments(strings(jobmanager.get("command")), "compose jobmanager");
    assertThat(map(jobmanager.get("environment")))
        .containsKeys("TRIBUTARY_JOB_ID", "TRIBUTARY_RESTORE_FROM")
        .containsEntry(
            "TRIBUTARY_JDBC_PASSWORD",
            "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in deploy/compose/.env}");
    Map<String, Object> dependsOn = map(jobmanager.get("depends_on"));
    for (String oneShot : List.of("migrate", "kafka-init")) {
      assertThat(map(dependsOn.get(oneShot)))
          .containsEntry("condition", "service_completed_successfully");
    }

    List<String> migrate = strings(service("migrate").get("entrypoint"));
    assertThat(migrate).containsSequence("-cp", JOB_JAR);
    assertIsMainClass(migrate.get(migrate.size() - 1));
    assertThat(migrate.get(migrate.size() - 1))
        .isEqualTo("dev.tributary.job.ops.WarehouseMigrations");
    assertThat(map(service("migrate").get("environment"))).containsKey("TRIBUTARY_JDBC_PASSWORD");
    assertThat(strings(service("migrate").get("command")).get(0))
        .startsWith("jdbc:postgresql://postgres:5432/");
  }

  @Test
  void noCommandOrArgumentCarriesASecret() {
    // container arguments are readable by anyone who can list the pods or containers (and Flink's
    // are on its UI): secrets go through the environment, from .env or a Secret
    int checked = 0;
    for (var entry : map(composeFile.get("services")).entrySet()) {
      Map<String, Object> service = map(entry.getValue());
      for (String key : List.of("command", "entrypoint")) {
        if (service.get(key) instanceof List<?>) {
          assertNoSecretIn(strings(service.get(key)), "compose " + entry.getKey() + " " + key);
          checked++;
        }
      }
    }
    for (var entry : k8sDocs.entrySet()) {
      for (Map<String, Object> doc : entry.getValue()) {
        checked += assertNoSecretInCommands(doc, entry.getKey());
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(6);
  }

  private static int assertNoSecretInCommands(Object node, String where) {
    int checked = 0;
    if (node instanceof Map<?, ?> m) {
      for (var e : m.entrySet()) {
        if ((e.getKey().equals("command") || e.getKey().equals("args"))
            && e.getValue() instanceof List<?>) {
          assertNoSecretIn(strings(e.getValue()), where + " " + e.getKey());
          checked++;
        } else {
          checked += assertNoSecretInCommands(e.getValue(), where);
        }
      }
    } else if (node instanceof List<?> l) {
      for (Object o : l) {
        checked += assertNoSecretInCommands(o, where);
      }
    }
    return checked;
  }

  @Test
  void kubernetesCreatesTheTopicsComposeCreates() throws IOException {
    Set<String> topics =
        new TreeSet<>(
            List.of(
                JobOptions.TOPIC_WEBHOOKS.defaultValue(),
                JobOptions.TOPIC_TRACKING.defaultValue(),
                JobOptions.TOPIC_DEADLETTER.defaultValue()));
    String composeScript = String.join("\n", strings(service("kafka-init").get("command")));
    assertThat(topicsOf(composeScript)).isEqualTo(topics);

    Map<String, Object> job = k8sDoc("kafka-topics-job.yaml", "Job");
    Map<String, Object> container = onlyContainer(job);
    String kafkaVersion = property(Files.readString(root.resolve("pom.xml")), "kafka.version");
    assertThat(string(container.get("image"))).isEqualTo("apache/kafka:" + kafkaVersion);
    String script = String.join("\n", strings(container.get("args")));
    assertThat(topicsOf(script)).isEqualTo(topics);
    assertThat(script).contains("--create --if-not-exists");
    assertThat(partitionsOf(script)).isEqualTo(partitionsOf(composeScript));
    assertBootstrapFromTheGatewayConfig(container, "kafka-topics-job.yaml");

    // the gateway writes to the topics created
    Map<String, Object> config =
        map(k8sDocByName("gateway-configmap.yaml", "tributary-gateway-config").get("data"));
    assertThat(topics)
        .contains(
            string(config.get("TRIBUTARY_TOPIC_WEBHOOKS")),
            string(config.get("TRIBUTARY_TOPIC_TRACKING")));
    // and the job reads from the same cluster the Job creates them in
    assertThat(jobArguments().get(JobOptions.KAFKA_BOOTSTRAP_SERVERS.key()))
        .isEqualTo(string(config.get("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS")));
  }

  @Test
  void theJobManagerWaitsForTheTopicsAndTheMigrationsInsteadOfRestarting() throws IOException {
    Map<String, Object> spec = map(k8sDocs.get("flink-deployment.yaml").get(0).get("spec"));
    // in the JobManager's own template only; the common one has none, so that the operator's
    // merge of the two (list items by position) cannot mix them up
    assertThat(map(map(spec.get("podTemplate")).get("spec"))).doesNotContainKey("initContainers");
    Map<String, Object> jmPod =
        map(map(map(map(spec.get("jobManager")).get("podTemplate")).get("spec")));
    Map<String, Map<String, Object>> init = new LinkedHashMap<>();
    for (Object o : list(jmPod.get("initContainers"))) {
      init.put(string(map(o).get("name")), map(o));
    }
    assertThat(init).containsOnlyKeys("wait-for-topics", "wait-for-migrations");

    Map<String, Object> topics = init.get("wait-for-topics");
    String topicsScript = String.join("\n", strings(topics.get("args")));
    String createScript =
        String.join(
            "\n", strings(onlyContainer(k8sDoc("kafka-topics-job.yaml", "Job")).get("args")));
    assertThat(topicsOf(topicsScript)).isEqualTo(topicsOf(createScript));
    assertThat(topicsScript).contains("--describe").contains("until ").doesNotContain("--create");
    assertThat(string(topics.get("image")))
        .isEqualTo(string(onlyContainer(k8sDoc("kafka-topics-job.yaml", "Job")).get("image")));
    assertBootstrapFromTheGatewayConfig(topics, "wait-for-topics");

    Map<String, Object> migrations = init.get("wait-for-migrations");
    assertThat(string(migrations.get("image"))).isEqualTo(string(service("postgres").get("image")));
    String migrationsScript = String.join("\n", strings(migrations.get("args")));
    assertThat(migrationsScript)
        .contains("flyway_schema_history", "success", "$SCHEMA_VERSION", "until ");
    Map<String, Object> env = new TreeMap<>();
    for (Object o : list(migrations.get("env"))) {
      Map<String, Object> variable = map(o);
      env.put(string(variable.get("name")), variable);
    }
    assertThat(env)
        .containsOnlyKeys(
            "SCHEMA_VERSION",
            "PGHOST",
            "PGPORT",
            "PGDATABASE",
            "PGUSER",
            "PGPASSWORD",
            "PGCONNECT_TIMEOUT");
    // the newest migration of sql/, so that an upgrade waits for its own migrations
    assertThat(string(map(env.get("SCHEMA_VERSION")).get("value")))
        .as("SCHEMA_VERSION of wait-for-migrations: the highest V<n>__ file in sql/")
        .isEqualTo(newestMigration());
    // the database the job writes to, as the job's user, with the password from the Secret
    Matcher url =
        Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/([^?]+)")
            .matcher(jobArguments().get(JobOptions.JDBC_URL.key()));
    assertThat(url.matches()).isTrue();
    assertThat(string(map(env.get("PGHOST")).get("value"))).isEqualTo(url.group(1));
    assertThat(string(map(env.get("PGPORT")).get("value"))).isEqualTo(url.group(2));
    assertThat(string(map(env.get("PGDATABASE")).get("value"))).isEqualTo(url.group(3));
    assertThat(string(map(env.get("PGUSER")).get("value")))
        .isEqualTo(jobArguments().get(JobOptions.JDBC_USER.key()));
    assertThat(map(map(map(env.get("PGPASSWORD")).get("valueFrom")).get("secretKeyRef")))
        .containsEntry("name", "tributary-warehouse")
        .containsEntry("key", "password");
    // and the migrations Job migrates that same database
    List<String> migrate =
        strings(onlyContainer(k8sDoc("migrations-job.yaml", "Job")).get("command"));
    assertThat(migrate)
        .endsWith(
            jobArguments().get(JobOptions.JDBC_URL.key()),
            jobArguments().get(JobOptions.JDBC_USER.key()));
  }

  @Test
  void theKubernetesInstallStepsRunInAnOrderThatWorks() throws IOException {
    String readme = Files.readString(kubernetes.resolve("README.md"));
    String install = readme.substring(readme.indexOf("## Install"), readme.indexOf("## Upgrades"));
    int namespace = install.indexOf("kubectl apply -f deploy/kubernetes/namespace.yaml");
    int operator = install.indexOf("helm install flink-kubernetes-operator");
    int secrets = install.indexOf("kubectl -n tributary apply -f my-secrets/");
    int everything = install.indexOf("kubectl apply -k deploy/kubernetes");
    // the chart creates the flink ServiceAccount and its Role in the watched namespace
    assertThat(namespace).as("namespace before the operator").isNotNegative().isLessThan(operator);
    assertThat(install.substring(operator)).contains("--set \"watchNamespaces={tributary}\"");
    // the chart's default webhook needs cert-manager, which the steps do not install
    assertThat(install.substring(operator, install.indexOf("\n\n", operator)))
        .contains("--set webhook.create=false");
    assertThat(secrets).as("secrets before the workloads").isGreaterThan(operator);
    assertThat(everything).isGreaterThan(secrets);
    assertThat(install).doesNotContain("kubectl create namespace");
    assertThat(strings(k8sDocs.get("kustomization.yaml").get(0).get("resources")))
        .contains("namespace.yaml", "kafka-topics-job.yaml", "migrations-job.yaml");
  }

  @Test
  void theReadmesNameWhatTheFilesAndTheCodeUse() throws IOException {
    String readme = Files.readString(root.resolve("README.md"));
    // the variables the Grafana datasource reads, and the job's default consumer group
    assertThat(readme).doesNotContain("TRIBUTARY_DB_").contains("`TRIBUTARY_PG_*`");
    assertThat(readme)
        .contains("Kafka group `" + JobOptions.KAFKA_GROUP_ID.defaultValue() + "`")
        .doesNotContain("Kafka group `tributary`");
    String composeReadme = Files.readString(compose.resolve("README.md"));
    // plain `ps` hides the one-shot services once they have exited
    assertThat(composeReadme)
        .contains("docker compose ps -a")
        .doesNotContain("docker compose ps  ");
    // a rollback starts the old image only if every release has its own tag
    assertThat(composeReadme).contains("TRIBUTARY_VERSION");
    for (String image :
        List.of(
            string(service("postgres").get("image")), string(service("zookeeper").get("image")))) {
      assertThat(composeReadme).contains("`" + image + "`");
    }
  }

  private static Set<String> topicsOf(String script) {
    Matcher m = Pattern.compile("for topic in ([^;]+);").matcher(script);
    assertThat(m.find()).as("topic loop in %s", script).isTrue();
    return new TreeSet<>(List.of(m.group(1).strip().split("\\s+")));
  }

  private static String partitionsOf(String script) {
    Matcher m = Pattern.compile("--partitions (\\d+)").matcher(script);
    assertThat(m.find()).as("--partitions in %s", script).isTrue();
    return m.group(1);
  }

  private static void assertBootstrapFromTheGatewayConfig(
      Map<String, Object> container, String where) {
    Map<String, Object> variable = map(list(container.get("env")).get(0));
    assertThat(string(variable.get("name"))).as(where).isEqualTo("KAFKA_BOOTSTRAP_SERVERS");
    assertThat(map(map(variable.get("valueFrom")).get("configMapKeyRef")))
        .as(where)
        .containsEntry("name", "tributary-gateway-config")
        .containsEntry("key", "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS");
  }

  private static Map<String, Object> onlyContainer(Map<String, Object> job) {
    Map<String, Object> pod = map(map(map(job.get("spec")).get("template")).get("spec"));
    List<Object> containers = list(pod.get("containers"));
    assertThat(containers).hasSize(1);
    return map(containers.get(0));
  }

  /** The FlinkDeployment's job arguments, as key (without --) → value. */
  private static Map<String, String> jobArguments() {
    Map<String, Object> spec = map(k8sDocs.get("flink-deployment.yaml").get(0).get("spec"));
    List<String> args = strings(map(spec.get("job")).get("args"));
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.size(); i += 2) {
      given.put(args.get(i).substring(2), args.get(i + 1));
    }
    return given;
  }

  /** The version of the newest versioned migration in sql/ (V<n>__*.sql). */
  private static String newestMigration() throws IOException {
    Pattern versioned = Pattern.compile("V(\\d+)__.*\\.sql");
    try (Stream<Path> files = Files.list(root.resolve("sql"))) {
      return String.valueOf(
          files
              .map(f -> versioned.matcher(f.getFileName().toString()))
              .filter(Matcher::matches)
              .mapToInt(m -> Integer.parseInt(m.group(1)))
              .max()
              .orElseThrow());
    }
  }

  // ---------------------------------------------------------------- gateway

  @Test
  void gatewayProbesAskTheEndpointsTheGatewayServes() throws IOException {
    // The probes and /metrics are on the gateway's operations listener, never the public port.
    String ops =
        Files.readString(
            root.resolve("webhook-gateway/src/main/java/dev/tributary/gateway/OpsServer.java"));
    assertThat(ops).contains("\"/readyz\"", "\"/healthz\"", "\"/metrics\"");

    Map<String, Object> deployment = k8sDoc("gateway-deployment.yaml", "Deployment");
    Map<String, Object> podSpec = map(map(map(deployment.get("spec")).get("template")).get("spec"));
    Map<String, Object> container = map(list(podSpec.get("containers")).get(0));
    assertThat(string(map(map(container.get("readinessProbe")).get("httpGet")).get("path")))
        .isEqualTo("/readyz");
    assertThat(string(map(map(container.get("livenessProbe")).get("httpGet")).get("path")))
        .isEqualTo("/healthz");

    Map<String, String> containerPorts = new LinkedHashMap<>();
    for (Object p : list(container.get("ports"))) {
      containerPorts.put(string(map(p).get("name")), string(map(p).get("containerPort")));
    }
    assertThat(containerPorts).containsOnlyKeys("http", "ops");
    assertThat(string(map(map(container.get("readinessProbe")).get("httpGet")).get("port")))
        .isEqualTo("ops");
    assertThat(string(map(map(container.get("livenessProbe")).get("httpGet")).get("port")))
        .isEqualTo("ops");
    Map<String, Object> config =
        map(k8sDocByName("gateway-configmap.yaml", "tributary-gateway-config").get("data"));
    assertThat(string(config.get("TRIBUTARY_GATEWAY_PORT"))).isEqualTo(containerPorts.get("http"));
    assertThat(string(config.get("TRIBUTARY_OPS_PORT"))).isEqualTo(containerPorts.get("ops"));
    assertThat(containerPorts.get("ops")).isNotEqualTo(containerPorts.get("http"));
    Map<String, Object> annotations =
        map(
            map(map(map(deployment.get("spec")).get("template")).get("metadata"))
                .get("annotations"));
    assertThat(string(annotations.get("prometheus.io/port"))).isEqualTo(containerPorts.get("ops"));
    assertThat(string(annotations.get("prometheus.io/path"))).isEqualTo("/metrics");
    // The Service exposes the public port only: the operations port stays in the pod network.
    Map<String, Object> service = k8sDoc("gateway-deployment.yaml", "Service");
    List<Object> servicePorts = list(map(service.get("spec")).get("ports"));
    assertThat(servicePorts).hasSize(1);
    assertThat(string(map(servicePorts.get(0)).get("targetPort"))).isEqualTo("http");
    assertThat(map(map(service.get("spec")).get("selector")))
        .isEqualTo(map(map(deployment.get("spec")).get("selector")).get("matchLabels"));

    // the image's user is the one runAsNonRoot can verify
    assertThat(Files.readString(root.resolve("webhook-gateway/Dockerfile")))
        .contains("USER 10001:10001");
    assertThat(map(podSpec.get("securityContext"))).containsEntry("runAsUser", 10001);
    // compose asks /readyz on the operations port, which it does not publish
    Map<String, Object> gateway = service("gateway");
    Map<String, Object> environment = map(gateway.get("environment"));
    String composeOps = string(environment.get("TRIBUTARY_OPS_PORT"));
    assertThat(composeOps).isNotBlank().isNotEqualTo(environment.get("TRIBUTARY_GATEWAY_PORT"));
    assertThat(String.join(" ", strings(map(gateway.get("healthcheck")).get("test"))))
        .contains("GET /readyz")
        .contains("/dev/tcp/127.0.0.1/" + composeOps + " ");
    for (String published : strings(gateway.get("ports"))) {
      assertThat(published).as("published gateway port").doesNotEndWith(":" + composeOps);
    }
  }

  @Test
  void noDeploymentSetsTheRemovedProxyHopCount() throws IOException {
    // The gateway refuses to start with it (TRIBUTARY_TRUSTED_PROXIES replaced it).
    for (Path file :
        List.of(
            compose.resolve("docker-compose.yml"),
            kubernetes.resolve("gateway-configmap.yaml"),
            kubernetes.resolve("gateway-deployment.yaml"))) {
      assertThat(Files.readString(file))
          .as(file.toString())
          .doesNotContainPattern("TRIBUTARY_TRUSTED_PROXY_HOPS\\s*:");
    }
  }

  @Test
  void everyGatewayEnvironmentVariableIsOneTheGatewayReads() throws IOException {
    GatewayVariables gateway = GatewayVariables.read(root.resolve("webhook-gateway/src/main/java"));
    assertThat(gateway.fixed).contains("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "TRIBUTARY_SITES_FILE");
    assertThat(gateway.providers).contains("stripe", "paddle", "gumroad");

    // Kubernetes: the ConfigMap and the example Secret, both given whole with envFrom
    Map<String, Object> deployment = k8sDoc("gateway-deployment.yaml", "Deployment");
    Map<String, Object> podSpec = map(map(map(deployment.get("spec")).get("template")).get("spec"));
    Map<String, Object> container = map(list(podSpec.get("containers")).get(0));
    Set<String> configMaps = new TreeSet<>();
    Set<String> secrets = new TreeSet<>();
    for (Object from : list(container.get("envFrom"))) {
      Map<String, Object> source = map(from);
      if (source.containsKey("configMapRef")) {
        configMaps.add(string(map(source.get("configMapRef")).get("name")));
      }
      if (source.containsKey("secretRef")) {
        secrets.add(string(map(source.get("secretRef")).get("name")));
      }
    }
    assertThat(configMaps).containsExactly("tributary-gateway-config");
    assertThat(secrets).containsExactly("tributary-gateway-secrets");
    Map<String, Object> config =
        map(k8sDocByName("gateway-configmap.yaml", "tributary-gateway-config").get("data"));
    Map<String, Object> secret =
        k8sDocByName("gateway-secret.example.yaml", "tributary-gateway-secrets");
    Set<String> k8sSites =
        siteIds(
            string(
                map(k8sDocByName("gateway-configmap.yaml", "tributary-gateway-sites").get("data"))
                    .get("sites.json")));
    assertThat(k8sSites).isNotEmpty();
    Set<String> k8sNames = new TreeSet<>(config.keySet());
    k8sNames.addAll(map(secret.get("stringData")).keySet());
    assertThat(k8sNames).hasSizeGreaterThan(5);
    for (String name : k8sNames) {
      gateway.assertReads(name, k8sSites, "Kubernetes");
    }
    // the sites file is mounted where TRIBUTARY_SITES_FILE points
    String sitesFile = string(config.get("TRIBUTARY_SITES_FILE"));
    Map<String, Object> mount = map(list(container.get("volumeMounts")).get(0));
    assertThat(sitesFile).isEqualTo(mount.get("mountPath") + "/sites.json");

    // compose
    Map<String, Object> environment = map(service("gateway").get("environment"));
    Set<String> composeSites = siteIds(Files.readString(compose.resolve("gateway/sites.json")));
    assertThat(environment).hasSizeGreaterThan(4);
    for (String name : environment.keySet()) {
      gateway.assertReads(name, composeSites, "compose");
    }
    assertThat(mountsOf("gateway"))
        .containsEntry(string(environment.get("TRIBUTARY_SITES_FILE")), "./gateway/sites.json");
  }

  // ---------------------------------------------------------------- helpers: checks

  private static final String JOB_JAR = "/opt/flink/usrlib/tributary-job.jar";
  private static final String PROMETHEUS_FACTORY =
      "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

  private static void assertNoKeyIsAPrefixOfAnother(Collection<String> keys) {
    for (String a : keys) {
      for (String b : keys) {
        assertThat(b)
            .as("keys %s and %s would nest into each other in the YAML config", a, b)
            .doesNotStartWith(a + ".");
      }
    }
  }

  /** No argument names a password or carries a placeholder for one. */
  private static void assertNoSecretIn(List<String> args, String where) {
    for (String arg : args) {
      assertThat(arg.toLowerCase(Locale.ROOT))
          .as("%s: argument %s", where, arg)
          .doesNotContain("password", "secret", "replace_me");
    }
  }

  private static void assertIsMainClass(String className) throws Exception {
    Method main = Class.forName(className).getMethod("main", String[].class);
    assertThat(Modifier.isStatic(main.getModifiers())).as(className + ".main is static").isTrue();
  }

  /** {@code --key value} pairs: every key a JobOptions key, the required ones present. */
  private static void assertJobArguments(List<String> args, String where) {
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

  // ---------------------------------------------------------------- helpers: Flink options

  /** Every ConfigOption key of Flink's option classes (and the job's own), found by reflection. */
  static final class KnownFlinkOptions {
    final Set<String> optionClasses = new TreeSet<>();
    final Map<String, ConfigOption<?>> primary = new TreeMap<>();
    final Map<String, ConfigOption<?>> deprecated = new TreeMap<>();

    /** Keys MetricOptions defines relative to {@code metrics.reporter.<name>.}. */
    final Set<String> reporterSuffixes = new TreeSet<>();

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
          throw new AssertionError(
              "Flink option class missing from the test classpath: " + seed, e);
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

  /** Options of flink-metrics-prometheus's PrometheusReporter (a plugin, not on this classpath). */
  private static final Set<String> PROMETHEUS_PARAMETERS =
      Set.of("port", "filterLabelValueCharacters");

  /** The environment variables the gateway's code reads, found in its sources. */
  static final class GatewayVariables {
    final Set<String> fixed = new TreeSet<>();
    final Set<String> providers = new TreeSet<>();
    String sitePrefix;

    static GatewayVariables read(Path sources) throws IOException {
      GatewayVariables v = new GatewayVariables();
      Pattern literal = Pattern.compile("\"(TRIBUTARY_[A-Z0-9_]*)\"");
      try (Stream<Path> files = Files.walk(sources)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          Matcher m = literal.matcher(Files.readString(file));
          while (m.find()) {
            if (m.group(1).endsWith("_")) {
              v.sitePrefix = m.group(1);
            } else {
              v.fixed.add(m.group(1));
            }
          }
        }
      }
      String providers =
          Files.readString(sources.resolve("dev/tributary/gateway/config/WebhookProviders.java"));
      Matcher m =
          Pattern.compile("public static final String [A-Z_]+ = \"([a-z]+)\";").matcher(providers);
      while (m.find()) {
        v.providers.add(m.group(1));
      }
      String environment =
          Files.readString(sources.resolve("dev/tributary/gateway/config/EnvironmentConfig.java"));
      assertThat(environment)
          .contains("SECRETS_SUFFIX = \"_SECRETS\"", "API_KEYS_SUFFIX = \"_API_KEYS\"");
      assertThat(v.sitePrefix).isEqualTo("TRIBUTARY_SITE_");
      return v;
    }

    /**
     * {@code name} is a fixed variable, or a per-site one naming a configured site and provider.
     */
    void assertReads(String name, Set<String> siteIds, String where) {
      if (fixed.contains(name)) {
        return;
      }
      assertThat(name)
          .as("%s: %s is a variable the gateway reads", where, name)
          .startsWith(sitePrefix);
      String rest = name.substring(sitePrefix.length());
      String envId;
      if (rest.endsWith("_API_KEYS")) {
        envId = rest.substring(0, rest.length() - "_API_KEYS".length());
      } else {
        assertThat(rest).as("%s: %s", where, name).endsWith("_SECRETS");
        String idAndProvider = rest.substring(0, rest.length() - "_SECRETS".length());
        int cut = idAndProvider.lastIndexOf('_');
        assertThat(cut).as("%s: %s names a site and a provider", where, name).isPositive();
        assertThat(providers)
            .as("%s: provider of %s", where, name)
            .contains(idAndProvider.substring(cut + 1).toLowerCase(Locale.ROOT));
        envId = idAndProvider.substring(0, cut);
      }
      Set<String> envIds =
          siteIds.stream()
              .map(id -> id.toUpperCase(Locale.ROOT).replace('-', '_'))
              .collect(Collectors.toSet());
      // the gateway refuses to start when a per-site variable names no site of the sites file
      assertThat(envIds).as("%s: site of %s is in the sites file", where, name).contains(envId);
    }
  }

  // ---------------------------------------------------------------- helpers: Dockerfiles

  /** One instruction of a Dockerfile and the user it runs as. */
  record DockerStep(String instruction, String arguments, String user) {}

  /**
   * The instructions of a Dockerfile, continuation lines joined and comments dropped, each with the
   * user it runs as: the base image's own last {@code USER} until the Dockerfile sets one.
   */
  private static List<DockerStep> dockerSteps(Path dockerfile) throws IOException {
    List<String> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(dockerfile)) {
      String stripped = line.strip();
      if (stripped.startsWith("#") || (stripped.isEmpty() && current.length() == 0)) {
        continue;
      }
      boolean continues = stripped.endsWith("\\");
      current.append(continues ? stripped.substring(0, stripped.length() - 1) : stripped);
      current.append(' ');
      if (!continues) {
        instructions.add(current.toString().strip());
        current.setLength(0);
      }
    }
    assertThat(current.toString()).as("%s ends inside an instruction", dockerfile).isBlank();
    List<DockerStep> steps = new ArrayList<>();
    String user = null;
    for (String instruction : instructions) {
      String[] parts = instruction.split("\\s+", 2);
      String keyword = parts[0].toUpperCase(Locale.ROOT);
      String arguments = parts.length > 1 ? parts[1] : "";
      if (keyword.equals("FROM")) {
        user = baseImageUser(arguments.split("\\s+")[0]);
      } else if (keyword.equals("USER")) {
        user = arguments.strip();
      }
      assertThat(user).as("%s: %s before FROM", dockerfile, keyword).isNotNull();
      steps.add(new DockerStep(keyword, arguments, user));
    }
    return steps;
  }

  /**
   * The user the base images end with. From 2.2.0 the official Flink image ends with {@code USER
   * flink} (apache/flink-docker, 2.2/scala_2.12-java17-ubuntu/Dockerfile); 2.0 and 2.1 stay root.
   * An unknown base fails, so that a new one is looked up rather than assumed.
   */
  private static String baseImageUser(String image) {
    Matcher flinkImage = Pattern.compile("flink:(\\d+)\\.(\\d+)\\..*").matcher(image);
    if (flinkImage.matches()) {
      int major = Integer.parseInt(flinkImage.group(1));
      int minor = Integer.parseInt(flinkImage.group(2));
      return major > 2 || (major == 2 && minor >= 2) ? "flink" : "root";
    }
    if (image.startsWith("eclipse-temurin:")) {
      return "root";
    }
    throw new AssertionError("unknown base image " + image + ": which USER does it end with?");
  }

  private static boolean isRoot(String user) {
    return user.equals("root")
        || user.equals("0")
        || user.startsWith("root:")
        || user.startsWith("0:");
  }

  /** Home directories of the images' unprivileged users (flink: $FLINK_HOME; gateway: /app). */
  private static String homeOf(String user) {
    return switch (user) {
      case "flink", "9999", "9999:9999", "flink:flink" -> "/opt/flink";
      case "tributary", "10001", "10001:10001" -> "/app";
      default -> throw new AssertionError("home of user " + user + " unknown");
    };
  }

  /**
   * Absolute paths outside {@code home} (and /tmp, /dev) named by a shell command that creates,
   * copies, moves, links, changes or removes files or installs packages; empty if it writes nowhere
   * else.
   */
  private static List<String> writesOutsideHome(String command, String home) {
    Pattern writes =
        Pattern.compile(
            "(^|[;&|(\\s])(mkdir|cp|mv|ln|touch|install|tee|rm|chown|chmod|apt-get|apt|apk"
                + "|useradd|groupadd|adduser)\\s|>");
    if (!writes.matcher(command).find()) {
      return List.of();
    }
    List<String> outside = new ArrayList<>();
    Matcher path = Pattern.compile("(?<![\\w$}.-])/[\\w./-]*").matcher(command);
    while (path.find()) {
      String p = path.group();
      boolean inside =
          p.equals(home)
              || p.startsWith(home + "/")
              || p.equals("/tmp")
              || p.startsWith("/tmp/")
              || p.startsWith("/dev/");
      if (!inside) {
        outside.add(p);
      }
    }
    return outside;
  }

  // ---------------------------------------------------------------- helpers: files and YAML

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

  private static List<Path> yamlFiles(Path dir) throws IOException {
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
  private static List<Map<String, Object>> yamlDocuments(Path file) throws IOException {
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

  private static Map<String, Object> service(String name) {
    Map<String, Object> services = map(composeFile.get("services"));
    assertThat(services).containsKey(name);
    return map(services.get(name));
  }

  /** Container path → source (host path or named volume) of a compose service's volumes. */
  private static Map<String, String> mountsOf(String serviceName) {
    Map<String, String> mounts = new LinkedHashMap<>();
    for (String volume : strings(service(serviceName).getOrDefault("volumes", List.of()))) {
      String[] parts = volume.split(":");
      mounts.put(parts[1], parts[0]);
    }
    return mounts;
  }

  /** The FLINK_PROPERTIES block of a compose service, as key → value. */
  private static Map<String, String> composeFlinkProperties(String serviceName) {
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

  private static List<String> kinds(String file) {
    return k8sDocs.get(file).stream().map(d -> string(d.get("kind"))).toList();
  }

  private static Map<String, Object> k8sDoc(String file, String kind) {
    List<Map<String, Object>> matching =
        k8sDocs.get(file).stream().filter(d -> kind.equals(d.get("kind"))).toList();
    assertThat(matching).as("%s in %s", kind, file).hasSize(1);
    return matching.get(0);
  }

  private static Map<String, Object> k8sDocByName(String file, String name) {
    List<Map<String, Object>> matching =
        k8sDocs.get(file).stream()
            .filter(d -> name.equals(map(d.get("metadata")).get("name")))
            .toList();
    assertThat(matching).as("%s in %s", name, file).hasSize(1);
    return matching.get(0);
  }

  private static Set<String> siteIds(String sitesJson) throws IOException {
    Map<String, Object> parsed = yamlDocumentsOf(sitesJson); // JSON is YAML
    Set<String> ids = new TreeSet<>();
    for (Object site : list(parsed.get("sites"))) {
      ids.add(string(map(site).get("id")));
    }
    return ids;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yamlDocumentsOf(String text) {
    return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
  }

  private static String property(String pom, String name) {
    return tag(pom.substring(pom.indexOf("<properties>")), name);
  }

  private static String tag(String xml, String name) {
    Matcher m =
        Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">")
            .matcher(xml);
    assertThat(m.find()).as("<%s> in the POM", name).isTrue();
    return m.group(1).strip();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    assertThat(o).isInstanceOf(List.class);
    return (List<Object>) o;
  }

  private static List<String> strings(Object o) {
    return list(o).stream().map(DeploymentFilesTest::string).toList();
  }

  private static String string(Object o) {
    return o == null ? null : String.valueOf(o);
  }
}
