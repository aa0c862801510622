package dev.tributary.job.deploy;

import static dev.tributary.job.deploy.DeploymentFiles.JOB_JAR;
import static dev.tributary.job.deploy.DeploymentFiles.assertIsMainClass;
import static dev.tributary.job.deploy.DeploymentFiles.assertJobArguments;
import static dev.tributary.job.deploy.DeploymentFiles.list;
import static dev.tributary.job.deploy.DeploymentFiles.map;
import static dev.tributary.job.deploy.DeploymentFiles.property;
import static dev.tributary.job.deploy.DeploymentFiles.string;
import static dev.tributary.job.deploy.DeploymentFiles.strings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.config.JobOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes against the code it deploys, without a cluster: every resource is named and
 * applied by the kustomization, the FlinkDeployment upgrades through savepoints and runs the job
 * with valid arguments and the secrets of the examples, the topics Job creates what compose
 * creates, and the JobManager waits for the topics and the migrations.
 */
class KubernetesManifestsTest {

  private static final DeploymentFiles deploy = DeploymentFiles.load();

  @Test
  void everyKubernetesResourceIsNamedAndTheKustomizationListsAllButTheExamples() {
    Set<String> resources = new TreeSet<>();
    for (var entry : deploy.k8sDocs.entrySet()) {
      if (entry.getKey().equals("kustomization.yaml")) {
        continue;
      }
      for (Map<String, Object> doc : entry.getValue()) {
        assertThat(doc).as(entry.getKey()).containsKeys("apiVersion", "kind", "metadata");
        assertThat(string(map(doc.get("metadata")).get("name"))).as(entry.getKey()).isNotBlank();
      }
      resources.add(entry.getKey());
    }
    Map<String, Object> kustomization = deploy.k8sDocs.get("kustomization.yaml").get(0);
    List<String> listed = strings(kustomization.get("resources"));
    for (String resource : listed) {
      assertThat(deploy.kubernetes.resolve(resource)).as("kustomization resource").isRegularFile();
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

  @Test
  void theFlinkDeploymentUpgradesThroughSavepointsAndRunsTheJobFromTheImage() throws Exception {
    Map<String, Object> spec = map(deploy.k8sDocs.get("flink-deployment.yaml").get(0).get("spec"));
    // the operator's FlinkVersion of the image's Flink minor (operator 1.13 has v2_2, FLINK-38147)
    String flinkVersion =
        property(Files.readString(deploy.root.resolve("pom.xml")), "flink.version");
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
      Map<String, Object> secret = deploy.k8sDocs.get(file).get(0);
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
                deploy.root.resolve("job/src/main/java/dev/tributary/job/AttributionJob.java")))
        .contains("System::getenv")
        .contains("environment.apply(\"TRIBUTARY_JDBC_PASSWORD\")")
        .contains("environment.apply(\"TRIBUTARY_EMAIL_HASH_KEY\")");
  }

  @Test
  void theS3CredentialsDocumentedAreOnesS3aCanUse() throws IOException {
    // flink-s3-fs-hadoop 2.2.1 is S3A of Hadoop 3.3.4: its default chain has no web-identity
    // provider, and no cloud's workload identity other than EKS's yields S3 credentials
    String manifest = Files.readString(deploy.kubernetes.resolve("flink-deployment.yaml"));
    String readme = Files.readString(deploy.kubernetes.resolve("README.md"));
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
  void kubernetesCreatesTheTopicsComposeCreates() throws IOException {
    Set<String> topics =
        new TreeSet<>(
            List.of(
                JobOptions.TOPIC_WEBHOOKS.defaultValue(),
                JobOptions.TOPIC_TRACKING.defaultValue(),
                JobOptions.TOPIC_DEADLETTER.defaultValue()));
    String composeScript = String.join("\n", strings(deploy.service("kafka-init").get("command")));
    assertThat(topicsOf(composeScript)).isEqualTo(topics);

    Map<String, Object> job = deploy.k8sDoc("kafka-topics-job.yaml", "Job");
    Map<String, Object> container = onlyContainer(job);
    String kafkaVersion =
        property(Files.readString(deploy.root.resolve("pom.xml")), "kafka.version");
    assertThat(string(container.get("image"))).isEqualTo("apache/kafka:" + kafkaVersion);
    String script = String.join("\n", strings(container.get("args")));
    assertThat(topicsOf(script)).isEqualTo(topics);
    assertThat(script).contains("--create --if-not-exists");
    assertThat(partitionsOf(script)).isEqualTo(partitionsOf(composeScript));
    assertBootstrapFromTheGatewayConfig(container, "kafka-topics-job.yaml");

    // the gateway writes to the topics created
    Map<String, Object> config =
        map(deploy.k8sDocByName("gateway-configmap.yaml", "tributary-gateway-config").get("data"));
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
    Map<String, Object> spec = map(deploy.k8sDocs.get("flink-deployment.yaml").get(0).get("spec"));
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
            "\n",
            strings(onlyContainer(deploy.k8sDoc("kafka-topics-job.yaml", "Job")).get("args")));
    assertThat(topicsOf(topicsScript)).isEqualTo(topicsOf(createScript));
    assertThat(topicsScript).contains("--describe").contains("until ").doesNotContain("--create");
    assertThat(string(topics.get("image")))
        .isEqualTo(
            string(onlyContainer(deploy.k8sDoc("kafka-topics-job.yaml", "Job")).get("image")));
    assertBootstrapFromTheGatewayConfig(topics, "wait-for-topics");

    Map<String, Object> migrations = init.get("wait-for-migrations");
    assertThat(string(migrations.get("image")))
        .isEqualTo(string(deploy.service("postgres").get("image")));
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
        strings(onlyContainer(deploy.k8sDoc("migrations-job.yaml", "Job")).get("command"));
    assertThat(migrate)
        .endsWith(
            jobArguments().get(JobOptions.JDBC_URL.key()),
            jobArguments().get(JobOptions.JDBC_USER.key()));
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
    Map<String, Object> spec = map(deploy.k8sDocs.get("flink-deployment.yaml").get(0).get("spec"));
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
    try (Stream<Path> files = Files.list(deploy.root.resolve("sql"))) {
      return String.valueOf(
          files
              .map(f -> versioned.matcher(f.getFileName().toString()))
              .filter(Matcher::matches)
              .mapToInt(m -> Integer.parseInt(m.group(1)))
              .max()
              .orElseThrow());
    }
  }
}
