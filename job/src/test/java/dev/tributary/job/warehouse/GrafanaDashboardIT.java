package dev.tributary.job.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tributary.job.testing.EmbeddedWarehouse;
import dev.tributary.job.testing.GrafanaPanels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana provisioning in {@code deploy/grafana}: the YAML files are well formed and point at
 * each other, and every panel's and every template variable's SQL runs against the migrated
 * warehouse (with the fixture rows) once the template variables and Grafana's macros are
 * substituted as Grafana would. Also writes the HTML preview of the dashboard (see {@link
 * DashboardPreview}).
 */
class GrafanaDashboardIT {
  static final Path GRAFANA = Path.of("..", "deploy", "grafana");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * The variable values the checks use (site shop, model linear, USD, live, months; the payment
   * explorer explains the fixture's P1).
   */
  static final Map<String, String> VARIABLES =
      Map.of(
          "site", "shop",
          "model", "linear",
          "currency", "USD",
          "livemode", "true",
          "basis", "payment",
          "granularity", "month",
          "reporting", "USD",
          "payment", "stripe:pi_1");

  /** The dashboard's time range in the checks: the fixture's first quarter. */
  static final GrafanaPanels PANELS =
      new GrafanaPanels(
          VARIABLES, Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-03-31T23:59:59Z"));

  private static EmbeddedWarehouse w;

  @BeforeAll
  static void populate() throws Exception {
    w = EmbeddedWarehouse.start();
    WarehouseRows.loadFixture(w);
  }

  @AfterAll
  static void stop() throws Exception {
    w.close();
  }

  static JsonNode dashboard() throws Exception {
    return GrafanaPanels.dashboard();
  }

  /** Grafana's substitution of the variables and the time range. */
  static String substitute(String sql) {
    return PANELS.substitute(sql);
  }

  /** Panel title → substituted SQL, in dashboard order. */
  static Map<String, String> panelQueries(JsonNode dashboard) {
    return PANELS.queries(dashboard);
  }

  @Test
  void provisioningFilesAgree() throws Exception {
    JsonNode ds =
        YAML.readTree(GRAFANA.resolve("provisioning/datasources/tributary.yaml").toFile())
            .path("datasources")
            .get(0);
    assertThat(ds.path("type").asText()).isEqualTo("grafana-postgresql-datasource");
    assertThat(ds.path("url").asText()).isEqualTo("${TRIBUTARY_PG_HOST}");
    assertThat(ds.path("user").asText()).isEqualTo("${TRIBUTARY_PG_USER}");
    assertThat(ds.path("secureJsonData").path("password").asText())
        .isEqualTo("${TRIBUTARY_PG_PASSWORD}");
    assertThat(ds.path("jsonData").path("database").asText()).isEqualTo("${TRIBUTARY_PG_DATABASE}");

    JsonNode provider =
        YAML.readTree(GRAFANA.resolve("provisioning/dashboards/tributary.yaml").toFile())
            .path("providers")
            .get(0);
    assertThat(provider.path("type").asText()).isEqualTo("file");
    assertThat(provider.path("options").path("path").asText()).isNotBlank();

    // every panel and query variable uses the provisioned datasource
    String uid = ds.path("uid").asText();
    JsonNode d = dashboard();
    List<String> uids = new ArrayList<>();
    d.path("panels").forEach(p -> uids.add(p.path("datasource").path("uid").asText()));
    d.path("panels")
        .forEach(
            p ->
                p.path("targets")
                    .forEach(t -> uids.add(t.path("datasource").path("uid").asText())));
    d.path("templating")
        .path("list")
        .forEach(
            v -> {
              if (v.path("type").asText().equals("query")) {
                uids.add(v.path("datasource").path("uid").asText());
              }
            });
    assertThat(uids).isNotEmpty().containsOnly(uid);
  }

  @Test
  void theDashboardHasThePanelsAndVariablesAskedFor() throws Exception {
    JsonNode d = dashboard();
    List<String> variables = new ArrayList<>();
    d.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
    assertThat(variables).contains("site", "model", "currency", "payment");
    List<String> sql = new ArrayList<>(panelQueries(d).values());
    assertThat(sql)
        .anySatisfy(s -> assertThat(s).contains("FROM revenue_over_time_between("))
        .anySatisfy(s -> assertThat(s).contains("FROM revenue_by_channel_between("))
        .anySatisfy(s -> assertThat(s).contains("FROM campaign_roi_between(").contains("roas"))
        .anySatisfy(s -> assertThat(s).contains("FROM conversion_by_channel_between("))
        .anySatisfy(s -> assertThat(s).contains("FROM aov_by_channel_between("))
        .anySatisfy(s -> assertThat(s).contains("FROM attribution_quality_between("))
        .anySatisfy(s -> assertThat(s).contains("FROM revenue_new_vs_renewal_between("))
        .anySatisfy(s -> assertThat(s).contains("FROM ltv_by_acquisition_channel("))
        .anySatisfy(
            s ->
                assertThat(s)
                    .contains("FROM payments p")
                    .contains("p.method, p.confidence")
                    .contains("p.reason")
                    .contains("refunded_minor"))
        .anySatisfy(s -> assertThat(s).contains("FROM revenue_ledger").contains("entry_type"));
  }

  /**
   * Every panel follows the time picker: its SQL uses the range ({@code $__timeFrom()} and {@code
   * $__timeTo()}, or {@code $__timeFilter}), and its answer for January differs from its answer for
   * February (a panel that ignored the range would give the same rows). The only exceptions are the
   * two panels that explain the one payment chosen in the explorer ({@code $payment}); the Payment
   * variable itself lists the payments of the range.
   */
  @Test
  void everyPanelFollowsTheTimePicker() throws Exception {
    JsonNode d = dashboard();
    GrafanaPanels january =
        new GrafanaPanels(
            VARIABLES,
            Instant.parse("2024-12-31T23:00:00Z"),
            Instant.parse("2025-01-31T23:00:00Z"));
    GrafanaPanels february =
        new GrafanaPanels(
            VARIABLES,
            Instant.parse("2025-01-31T23:00:00Z"),
            Instant.parse("2025-02-28T23:00:00Z"));
    List<String> following = new ArrayList<>();
    for (JsonNode p : d.path("panels")) {
      String title = p.path("title").asText();
      String raw = p.path("targets").get(0).path("rawSql").asText();
      if (raw.contains("$payment")) {
        assertThat(title).as("a panel about one payment").startsWith("Payment $payment");
        continue;
      }
      assertThat(
              raw.contains("$__timeFilter(")
                  || raw.contains("$__timeFrom()") && raw.contains("$__timeTo()"))
          .as("%s uses the time range: %s", title, raw)
          .isTrue();
      assertThat(WarehouseRows.rows(w, february.substitute(raw)))
          .as("%s: January and February differ", title)
          .isNotEqualTo(WarehouseRows.rows(w, january.substitute(raw)));
      following.add(title);
    }
    assertThat(following).hasSize(d.path("panels").size() - 2);
    for (JsonNode v : d.path("templating").path("list")) {
      if (v.path("name").asText().equals("payment")) {
        assertThat(v.path("query").asText()).contains("$__timeFilter(occurred_at)");
        assertThat(v.path("refresh").asInt())
            .as("refreshed when the time range changes")
            .isEqualTo(2);
      }
    }
  }

  @Test
  void thePaymentExplorerLinksEachPaymentToItsExplanation() throws Exception {
    JsonNode explorer = null;
    for (JsonNode p : dashboard().path("panels")) {
      if (p.path("title").asText().startsWith("Payment explorer")) {
        explorer = p;
      }
    }
    assertThat(explorer).as("the payment explorer panel").isNotNull();
    assertThat(explorer.path("type").asText()).isEqualTo("table");
    List<String> links = new ArrayList<>();
    for (JsonNode o : explorer.path("fieldConfig").path("overrides")) {
      if (o.path("matcher").path("options").asText().equals("payment")) {
        for (JsonNode property : o.path("properties")) {
          property.path("value").forEach(link -> links.add(link.path("url").asText()));
        }
      }
    }
    // the link sets the Payment variable that the two panels below it read
    assertThat(links)
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("var-payment=${__value.raw}")
        .contains("var-site=${site}")
        .contains("var-model=${model}");
    assertThat(panelQueries(dashboard()))
        .containsKeys(
            "Payment stripe:pi_1: net credit per touch and model",
            "Payment stripe:pi_1: journal (payment, refunds, corrections)");
  }

  @Test
  void everyQueryRunsAndReturnsRows() throws Exception {
    JsonNode d = dashboard();
    for (JsonNode v : d.path("templating").path("list")) {
      if (v.path("type").asText().equals("query")) {
        String sql = substitute(v.path("query").asText());
        assertThat(w.query(sql)).as("variable %s: %s", v.path("name").asText(), sql).isNotEmpty();
      }
    }
    Map<String, String> panels = panelQueries(d);
    assertThat(panels).hasSize(d.path("panels").size());
    for (Map.Entry<String, String> p : panels.entrySet()) {
      assertThat(p.getValue()).as(p.getKey()).doesNotContain("$").doesNotContain("[[");
      assertThat(w.query(p.getValue())).as("%s: %s", p.getKey(), p.getValue()).isNotEmpty();
    }
  }

  @Test
  void panelsShowTheFixturesNumbers() throws Exception {
    Map<String, String> panels = panelQueries(dashboard());
    // linear, live, months, USD: Jan 70; Feb 60 (EUR) + 0 (JPY) + 200 = 260; Mar GBP has no rate
    assertThat(
            WarehouseRows.rows(w, panels.get("Revenue over time (USD reporting currency)")).stream()
                .map(r -> r.substring(r.indexOf('|')))
                .toList())
        .containsExactly("| 100 | 30 | 70", "| 268 | 8 | 260", "| null | null | null");
    assertThat(WarehouseRows.rows(w, panels.get("Campaigns: revenue, spend, ROAS (USD)")))
        .containsExactly(
            "google | cpc | spring | 2 | 235 | 100 | 2.35 | 1.35",
            "facebook | paid_social | launch | 1 | 60 | 27.5 | 2.181818 | 1.181818",
            "bing | cpc | winter | 0 | 0 | 30 | 0 | -1");
    assertThat(WarehouseRows.rows(w, panels.get("Attribution quality (share of net revenue)")))
        .containsExactly(
            "customer / high | 200",
            "metadata / high | 70",
            "email / medium | 60",
            "unattributed / none | 0");

    // The payment explorer (linear, live, the time range), newest first; then P1 explained.
    assertThat(
            WarehouseRows.rows(w, panels.get("Payment explorer: latest payments")).stream()
                .map(r -> r.substring(r.indexOf('|') + 2))
                .toList())
        .containsExactly(
            "stripe:pi_5 | 40.00 GBP | 0.00 GBP | metadata | high | 1 | Direct"
                + " | metadata visitor id",
            "razorpay:pay_4 | 1000 JPY | 1000 JPY | unattributed | none | 0 | (unattributed)"
                + " | no link",
            // booked on Organic Search, corrected to Paid Search: only the standing credit
            "stripe:pi_3 | 200.00 USD | 0.00 USD | customer | high | 1 | Paid Search"
                + " | customer seen before",
            "paddle:txn_2 | 50.00 EUR | 0.00 EUR | email | medium | 1 | Paid Social"
                + " | email matched",
            "stripe:pi_1 | 100.00 USD | 30.00 USD | metadata | high | 1 | Direct, Paid Search"
                + " | metadata visitor id");
    // P1 under linear: 50.00 each, less 15.00 each of the refund; last touch: 100.00 - 30.00.
    // Columns: channel, session, (started), utm, currency, then the six models in order.
    assertThat(
            WarehouseRows.rows(w, panels.get("Payment stripe:pi_1: net credit per touch and model"))
                .stream()
                .map(
                    r -> {
                      String[] cells = r.split(" \\| ", -1);
                      cells[2] = "*"; // the session's start, in the JVM's time zone
                      return String.join(" | ", cells);
                    })
                .toList())
        .containsExactly(
            "Paid Search | s1 | * | google / cpc / spring | USD | null | null | null | 35 | null"
                + " | null",
            "Direct | s2 | * |  | USD | null | 70 | null | 35 | null | null");
    assertThat(
            WarehouseRows.rows(
                    w, panels.get("Payment stripe:pi_1: journal (payment, refunds, corrections)"))
                .stream()
                .map(r -> r.substring(r.indexOf('|') + 2))
                .toList())
        .containsExactly(
            "payment | last_touch | Direct | s2 | 100 | USD",
            "payment | linear | Direct | s2 | 50 | USD",
            "payment | linear | Paid Search | s1 | 50 | USD",
            "refund | last_touch | Direct | s2 | -30 | USD",
            "refund | linear | Direct | s2 | -15 | USD",
            "refund | linear | Paid Search | s1 | -15 | USD");
  }

  @Test
  void rendersThePreviewPage() throws Exception {
    Path html = DashboardPreview.render(w, dashboard(), Path.of("target", "grafana-preview"));
    assertThat(Files.readString(html))
        .contains("Tributary revenue")
        .contains("Revenue by channel (USD)")
        .contains("Paid Search")
        .contains("not a Grafana screenshot");
  }
}
