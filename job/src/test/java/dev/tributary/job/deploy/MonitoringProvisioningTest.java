package dev.tributary.job.deploy;

import static dev.tributary.job.deploy.DeploymentFiles.list;
import static dev.tributary.job.deploy.DeploymentFiles.map;
import static dev.tributary.job.deploy.DeploymentFiles.string;
import static dev.tributary.job.deploy.DeploymentFiles.strings;
import static dev.tributary.job.deploy.DeploymentFiles.yamlDocuments;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Grafana's provisioning and Prometheus's scrape configuration against the compose services they
 * read from and the ports those listen on.
 */
class MonitoringProvisioningTest {

  private static final DeploymentFiles deploy = DeploymentFiles.load();

  @Test
  void grafanaGetsEveryVariableItsDatasourceExpectsAndTheDashboardsWhereTheProviderLooks()
      throws IOException {
    Path datasource = deploy.root.resolve("deploy/grafana/provisioning/datasources/tributary.yaml");
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
    Map<String, Object> grafana = deploy.service("grafana");
    assertThat(map(grafana.get("environment")).keySet()).containsAll(placeholders);

    Map<String, Object> provider =
        map(
            list(yamlDocuments(
                        deploy.root.resolve(
                            "deploy/grafana/provisioning/dashboards/tributary.yaml"))
                    .get(0)
                    .get("providers"))
                .get(0));
    String dashboardsPath = string(map(provider.get("options")).get("path"));
    assertThat(deploy.mountsOf("grafana")).containsEntry(dashboardsPath, "../grafana/dashboards");
    assertThat(deploy.compose.resolve("../grafana/dashboards/tributary.json").normalize())
        .isRegularFile();
    assertThat(deploy.mountsOf("grafana"))
        .containsEntry(
            "/etc/grafana/provisioning/datasources", "../grafana/provisioning/datasources")
        .containsEntry(
            "/etc/grafana/provisioning/dashboards", "../grafana/provisioning/dashboards");
  }

  @Test
  void prometheusScrapesTheGatewayAndFlinksReporterWhereTheyListen() throws IOException {
    Map<String, Object> prometheus =
        yamlDocuments(deploy.compose.resolve("prometheus/prometheus.yml")).get(0);
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
        string(map(deploy.service("gateway").get("environment")).get("TRIBUTARY_OPS_PORT"));
    String reporterPort =
        deploy.composeFlinkProperties("jobmanager").get("metrics.reporter.prom.port");
    assertThat(targets.get("tributary-gateway")).containsExactly("gateway:" + gatewayPort);
    assertThat(targets.get("flink-jobmanager")).containsExactly("jobmanager:" + reporterPort);
    assertThat(targets.get("flink-taskmanager")).containsExactly("taskmanager:" + reporterPort);
    assertThat(deploy.mountsOf("prometheus"))
        .containsEntry("/etc/prometheus/prometheus.yml", "./prometheus/prometheus.yml");
  }
}
