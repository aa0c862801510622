package dev.tributary.job.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL of the Grafana dashboard in {@code deploy/grafana}, as Grafana's PostgreSQL data source
 * sends it: template variables ({@code $var}, {@code ${var}}, {@code [[var]]}) and the time macros
 * ({@code $__timeFilter(col)}, {@code $__timeFrom()}, {@code $__timeTo()}) replaced for one time
 * range. For the dashboard tests and the dashboard benchmark.
 */
public final class GrafanaPanels {
  /** The dashboard, from a module directory ({@code job/}). */
  public static final Path DASHBOARD =
      Path.of("..", "deploy", "grafana", "dashboards", "tributary.json");

  private static final Pattern TIME_FILTER = Pattern.compile("\\$__timeFilter\\(([^)]*)\\)");

  private final Map<String, String> variables;
  private final Instant from;
  private final Instant to;

  public GrafanaPanels(Map<String, String> variables, Instant from, Instant to) {
    this.variables = Map.copyOf(variables);
    this.from = from;
    this.to = to;
  }

  public static JsonNode dashboard() throws IOException {
    return new ObjectMapper().readTree(DASHBOARD.toFile());
  }

  /** Grafana's substitution of the variables and the time range into one query or title. */
  public String substitute(String sql) {
    String lo = "'" + from + "'";
    String hi = "'" + to + "'";
    String out =
        TIME_FILTER
            .matcher(sql)
            .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + " BETWEEN " + lo + " AND " + hi))
            .replace("$__timeFrom()", lo)
            .replace("$__timeTo()", hi);
    for (Map.Entry<String, String> v : variables.entrySet()) {
      out =
          out.replace("${" + v.getKey() + "}", v.getValue())
              .replace("[[" + v.getKey() + "]]", v.getValue())
              .replaceAll("\\$" + v.getKey() + "\\b", Matcher.quoteReplacement(v.getValue()));
    }
    return out;
  }

  /** Panel title → substituted SQL, in dashboard order (the first target of each panel). */
  public Map<String, String> queries(JsonNode dashboard) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode p : dashboard.path("panels")) {
      for (JsonNode t : p.path("targets")) {
        out.put(substitute(p.path("title").asText()), substitute(t.path("rawSql").asText()));
      }
    }
    return out;
  }
}
