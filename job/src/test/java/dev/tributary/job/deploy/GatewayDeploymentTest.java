package dev.tributary.job.deploy;

import static dev.tributary.job.deploy.DeploymentFiles.list;
import static dev.tributary.job.deploy.DeploymentFiles.map;
import static dev.tributary.job.deploy.DeploymentFiles.string;
import static dev.tributary.job.deploy.DeploymentFiles.strings;
import static dev.tributary.job.deploy.DeploymentFiles.yamlDocumentsOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The gateway's deployment (compose and Kubernetes) against the gateway's code: the probes ask the
 * endpoints it serves on its operations port, and every environment variable it is given is one it
 * reads ({@link GatewayVariables}).
 */
class GatewayDeploymentTest {

  private static final DeploymentFiles deploy = DeploymentFiles.load();

  @Test
  void gatewayProbesAskTheEndpointsTheGatewayServes() throws IOException {
    // The probes and /metrics are on the gateway's operations listener, never the public port.
    String ops =
        Files.readString(
            deploy.root.resolve(
                "webhook-gateway/src/main/java/dev/tributary/gateway/OpsServer.java"));
    assertThat(ops).contains("\"/readyz\"", "\"/healthz\"", "\"/metrics\"");

    Map<String, Object> deployment = deploy.k8sDoc("gateway-deployment.yaml", "Deployment");
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
        map(deploy.k8sDocByName("gateway-configmap.yaml", "tributary-gateway-config").get("data"));
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
    Map<String, Object> service = deploy.k8sDoc("gateway-deployment.yaml", "Service");
    List<Object> servicePorts = list(map(service.get("spec")).get("ports"));
    assertThat(servicePorts).hasSize(1);
    assertThat(string(map(servicePorts.get(0)).get("targetPort"))).isEqualTo("http");
    assertThat(map(map(service.get("spec")).get("selector")))
        .isEqualTo(map(map(deployment.get("spec")).get("selector")).get("matchLabels"));

    // the image's user is the one runAsNonRoot can verify
    assertThat(Files.readString(deploy.root.resolve("webhook-gateway/Dockerfile")))
        .contains("USER 10001:10001");
    assertThat(map(podSpec.get("securityContext"))).containsEntry("runAsUser", 10001);
    // compose asks /readyz on the operations port, which it does not publish
    Map<String, Object> gateway = deploy.service("gateway");
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
            deploy.compose.resolve("docker-compose.yml"),
            deploy.kubernetes.resolve("gateway-configmap.yaml"),
            deploy.kubernetes.resolve("gateway-deployment.yaml"))) {
      assertThat(Files.readString(file))
          .as(file.toString())
          .doesNotContainPattern("TRIBUTARY_TRUSTED_PROXY_HOPS\\s*:");
    }
  }

  @Test
  void everyGatewayEnvironmentVariableIsOneTheGatewayReads() throws IOException {
    GatewayVariables gateway =
        GatewayVariables.read(deploy.root.resolve("webhook-gateway/src/main/java"));
    assertThat(gateway.fixed).contains("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "TRIBUTARY_SITES_FILE");
    assertThat(gateway.providers).contains("stripe", "paddle", "gumroad");

    // Kubernetes: the ConfigMap and the example Secret, both given whole with envFrom
    Map<String, Object> deployment = deploy.k8sDoc("gateway-deployment.yaml", "Deployment");
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
        map(deploy.k8sDocByName("gateway-configmap.yaml", "tributary-gateway-config").get("data"));
    Map<String, Object> secret =
        deploy.k8sDocByName("gateway-secret.example.yaml", "tributary-gateway-secrets");
    Set<String> k8sSites =
        siteIds(
            string(
                map(deploy
                        .k8sDocByName("gateway-configmap.yaml", "tributary-gateway-sites")
                        .get("data"))
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
    Map<String, Object> environment = map(deploy.service("gateway").get("environment"));
    Set<String> composeSites =
        siteIds(Files.readString(deploy.compose.resolve("gateway/sites.json")));
    assertThat(environment).hasSizeGreaterThan(4);
    for (String name : environment.keySet()) {
      gateway.assertReads(name, composeSites, "compose");
    }
    assertThat(deploy.mountsOf("gateway"))
        .containsEntry(string(environment.get("TRIBUTARY_SITES_FILE")), "./gateway/sites.json");
  }

  private static Set<String> siteIds(String sitesJson) throws IOException {
    Map<String, Object> parsed = yamlDocumentsOf(sitesJson); // JSON is YAML
    Set<String> ids = new TreeSet<>();
    for (Object site : list(parsed.get("sites"))) {
      ids.add(string(map(site).get("id")));
    }
    return ids;
  }
}
