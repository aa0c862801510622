package dev.tributary.job.deploy;

import static dev.tributary.job.deploy.DeploymentFiles.assertNoSecretIn;
import static dev.tributary.job.deploy.DeploymentFiles.map;
import static dev.tributary.job.deploy.DeploymentFiles.string;
import static dev.tributary.job.deploy.DeploymentFiles.strings;
import static dev.tributary.job.deploy.DeploymentFiles.yamlDocuments;
import static dev.tributary.job.deploy.DeploymentFiles.yamlFiles;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every YAML file of deploy/compose and deploy/kubernetes parses into mappings, and no command or
 * argument in them carries a secret.
 */
class DeploymentYamlTest {

  private static final DeploymentFiles deploy = DeploymentFiles.load();

  @Test
  void everyYamlFileParsesIntoMappings() throws IOException {
    List<Path> files = new ArrayList<>(yamlFiles(deploy.compose));
    files.addAll(yamlFiles(deploy.kubernetes));
    assertThat(files.stream().map(f -> deploy.root.relativize(f).toString()))
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
  void noCommandOrArgumentCarriesASecret() {
    // container arguments are readable by anyone who can list the pods or containers (and Flink's
    // are on its UI): secrets go through the environment, from .env or a Secret
    int checked = 0;
    for (var entry : map(deploy.composeFile.get("services")).entrySet()) {
      Map<String, Object> service = map(entry.getValue());
      for (String key : List.of("command", "entrypoint")) {
        if (service.get(key) instanceof List<?>) {
          assertNoSecretIn(strings(service.get(key)), "compose " + entry.getKey() + " " + key);
          checked++;
        }
      }
    }
    for (var entry : deploy.k8sDocs.entrySet()) {
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

  private static List<String> kinds(String file) {
    return deploy.k8sDocs.get(file).stream().map(d -> string(d.get("kind"))).toList();
  }
}
