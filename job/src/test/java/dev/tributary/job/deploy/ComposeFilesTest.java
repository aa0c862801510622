package dev.tributary.job.deploy;

import static dev.tributary.job.deploy.DeploymentFiles.JOB_JAR;
import static dev.tributary.job.deploy.DeploymentFiles.assertIsMainClass;
import static dev.tributary.job.deploy.DeploymentFiles.assertJobArguments;
import static dev.tributary.job.deploy.DeploymentFiles.map;
import static dev.tributary.job.deploy.DeploymentFiles.string;
import static dev.tributary.job.deploy.DeploymentFiles.strings;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose against the code it runs, without Docker: every service's image, build and mounts
 * exist, every variable it uses is documented in .env.example, and the JobManager and the
 * migrations start the job jar's main classes with valid arguments.
 */
class ComposeFilesTest {

  private static final DeploymentFiles deploy = DeploymentFiles.load();

  @Test
  void composeServicesBuildFromExistingDockerfilesAndMountExistingFiles() {
    Map<String, Object> services = map(deploy.composeFile.get("services"));
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
    Set<String> namedVolumes = map(deploy.composeFile.get("volumes")).keySet();
    int builds = 0;
    int bindMounts = 0;
    for (var entry : services.entrySet()) {
      Map<String, Object> service = map(entry.getValue());
      assertThat(service).as(entry.getKey()).containsKey("image");
      if (service.containsKey("build")) {
        Map<String, Object> build = map(service.get("build"));
        Path context = deploy.compose.resolve(string(build.get("context"))).normalize();
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
          assertThat(deploy.compose.resolve(source).normalize())
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
  void everyComposeVariableIsDocumentedInTheEnvExample() throws IOException {
    String composeText = Files.readString(deploy.compose.resolve("docker-compose.yml"));
    Set<String> used = new TreeSet<>();
    Matcher m = Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)").matcher(composeText);
    while (m.find()) {
      used.add(m.group(1));
    }
    Set<String> documented = new TreeSet<>();
    for (String line : Files.readAllLines(deploy.compose.resolve(".env.example"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        assertThat(line).as(".env.example line").contains("=");
        documented.add(line.substring(0, line.indexOf('=')));
      }
    }
    assertThat(used).contains("POSTGRES_PASSWORD", "TRIBUTARY_JOB_ID", "TRIBUTARY_RESTORE_FROM");
    assertThat(documented).containsAll(used);
  }

  @Test
  void composeRunsTheJobAndTheMigrationsFromTheJobJar() throws Exception {
    Map<String, Object> jobmanager = deploy.service("jobmanager");
    List<String> entrypoint = strings(jobmanager.get("entrypoint"));
    assertThat(entrypoint).containsExactly("/bin/bash", "/opt/tributary/start-job.sh");
    assertThat(deploy.mountsOf("jobmanager"))
        .containsEntry("/opt/tributary/start-job.sh", "./flink/start-job.sh");
    String script = Files.readString(deploy.compose.resolve("flink/start-job.sh"));
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

    List<String> migrate = strings(deploy.service("migrate").get("entrypoint"));
    assertThat(migrate).containsSequence("-cp", JOB_JAR);
    assertIsMainClass(migrate.get(migrate.size() - 1));
    assertThat(migrate.get(migrate.size() - 1))
        .isEqualTo("dev.tributary.job.ops.WarehouseMigrations");
    assertThat(map(deploy.service("migrate").get("environment")))
        .containsKey("TRIBUTARY_JDBC_PASSWORD");
    assertThat(strings(deploy.service("migrate").get("command")).get(0))
        .startsWith("jdbc:postgresql://postgres:5432/");
  }
}
