package dev.tributary.job.deploy;

import static dev.tributary.job.deploy.DeploymentFiles.string;
import static dev.tributary.job.deploy.DeploymentFiles.strings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.config.JobOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The READMEs name what the deployment files and the code use, and the Kubernetes install steps run
 * in an order that works.
 */
class ReadmesTest {

  private static final DeploymentFiles deploy = DeploymentFiles.load();

  @Test
  void theKubernetesInstallStepsRunInAnOrderThatWorks() throws IOException {
    String readme = Files.readString(deploy.kubernetes.resolve("README.md"));
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
    assertThat(strings(deploy.k8sDocs.get("kustomization.yaml").get(0).get("resources")))
        .contains("namespace.yaml", "kafka-topics-job.yaml", "migrations-job.yaml");
  }

  @Test
  void theReadmesNameWhatTheFilesAndTheCodeUse() throws IOException {
    String readme = Files.readString(deploy.root.resolve("README.md"));
    // the variables the Grafana datasource reads, and the job's default consumer group
    assertThat(readme).doesNotContain("TRIBUTARY_DB_").contains("`TRIBUTARY_PG_*`");
    assertThat(readme)
        .contains("Kafka group `" + JobOptions.KAFKA_GROUP_ID.defaultValue() + "`")
        .doesNotContain("Kafka group `tributary`");
    String composeReadme = Files.readString(deploy.compose.resolve("README.md"));
    // plain `ps` hides the one-shot services once they have exited
    assertThat(composeReadme)
        .contains("docker compose ps -a")
        .doesNotContain("docker compose ps  ");
    // a rollback starts the old image only if every release has its own tag
    assertThat(composeReadme).contains("TRIBUTARY_VERSION");
    for (String image :
        List.of(
            string(deploy.service("postgres").get("image")),
            string(deploy.service("zookeeper").get("image")))) {
      assertThat(composeReadme).contains("`" + image + "`");
    }
  }
}
