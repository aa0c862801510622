package dev.tributary.job.deploy;

import static dev.tributary.job.deploy.DeploymentFiles.JOB_JAR;
import static dev.tributary.job.deploy.DeploymentFiles.map;
import static dev.tributary.job.deploy.DeploymentFiles.property;
import static dev.tributary.job.deploy.DeploymentFiles.string;
import static dev.tributary.job.deploy.DeploymentFiles.tag;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The two Dockerfiles and the images compose and Kubernetes run: the versions agree with the POMs,
 * and the images run as root only where they must and end as an unprivileged user.
 */
class DockerImagesTest {

  private static final DeploymentFiles deploy = DeploymentFiles.load();

  @Test
  void imagesMatchTheVersionsThePomsPin() throws IOException {
    String rootPom = Files.readString(deploy.root.resolve("pom.xml"));
    String flinkVersion = property(rootPom, "flink.version");
    String kafkaVersion = property(rootPom, "kafka.version");
    String projectVersion = tag(rootPom, "version");

    Map<String, Object> services = map(deploy.composeFile.get("services"));
    assertThat(string(deploy.service("kafka").get("image")))
        .isEqualTo("apache/kafka:" + kafkaVersion);
    assertThat(string(deploy.service("kafka-init").get("image")))
        .isEqualTo("apache/kafka:" + kafkaVersion);
    // base images on a tag upstream keeps rebuilding (a release line, not a patch release, which
    // stops getting rebuilt, and security fixes, once the next one is out); PostgreSQL with its
    // Debian release named, because a new glibc changes collations under an existing volume
    assertThat(string(deploy.service("postgres").get("image"))).isEqualTo("postgres:17-trixie");
    assertThat(string(deploy.service("zookeeper").get("image"))).isEqualTo("zookeeper:3.9");

    String jobDockerfile = Files.readString(deploy.root.resolve("job/Dockerfile"));
    assertThat(jobDockerfile)
        .containsPattern("(?m)^FROM flink:" + Pattern.quote(flinkVersion) + "-java17$");
    assertThat(jobDockerfile).contains("ARG VERSION=" + projectVersion);
    assertThat(jobDockerfile)
        .contains("COPY --chown=flink:flink target/tributary-job-${VERSION}-all.jar " + JOB_JAR);
    String gatewayDockerfile = Files.readString(deploy.root.resolve("webhook-gateway/Dockerfile"));
    assertThat(gatewayDockerfile).containsPattern("(?m)^FROM eclipse-temurin:17-jre$");
    assertThat(gatewayDockerfile).contains("ARG VERSION=" + projectVersion);
    assertThat(gatewayDockerfile)
        .contains("target/tributary-webhook-gateway-${VERSION}.jar")
        .contains("\"dev.tributary.gateway.GatewayApp\"");
    assertThat(
            deploy.root.resolve(
                "webhook-gateway/src/main/java/dev/tributary/gateway/GatewayApp.java"))
        .isRegularFile();

    // the tags compose gives the images default to the POM's version
    for (String name : List.of("migrate", "jobmanager", "taskmanager", "gateway")) {
      assertThat(string(map(services.get(name)).get("image")))
          .endsWith(":${TRIBUTARY_VERSION:-" + projectVersion + "}");
    }
    Map<String, Object> flinkSpec =
        map(deploy.k8sDocs.get("flink-deployment.yaml").get(0).get("spec"));
    assertThat(string(flinkSpec.get("image"))).endsWith(":" + projectVersion);
  }

  @Test
  void theImagesRunAsRootOnlyWhereTheyMustAndEndUnprivileged() throws IOException {
    List<DockerStep> job = dockerSteps(deploy.root.resolve("job/Dockerfile"));
    List<DockerStep> gateway = dockerSteps(deploy.root.resolve("webhook-gateway/Dockerfile"));
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
}
