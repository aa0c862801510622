package dev.tributary.job.warehouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.job.testing.EmbeddedWarehouse;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A static HTML preview of {@code deploy/grafana/dashboards/tributary.json}: each panel's SQL (with
 * the variables of {@link GrafanaDashboardIT#VARIABLES}) run against a warehouse and drawn with
 * plain HTML/SVG in the panel's grid position. It is not Grafana: it shows what the queries return,
 * laid out like the dashboard. {@code deploy/grafana/dashboard-preview.png} is a headless Chromium
 * screenshot of this page (see sql/README.md).
 */
final class DashboardPreview {
  private static final String[] COLORS = {"#73bf69", "#f2495c", "#5794f2", "#ff9830", "#b877d9"};

  private DashboardPreview() {}

  static Path render(EmbeddedWarehouse w, JsonNode dashboard, Path dir) throws Exception {
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html><head><meta charset=utf-8><title>")
        .append(esc(dashboard.path("title").asText()))
        .append("</title><style>")
        .append("body{background:#111217;color:#ccccdc;font:13px sans-serif;margin:12px}")
        .append(
            ".grid{display:grid;grid-template-columns:repeat(24,1fr);grid-auto-rows:30px;gap:8px}")
        .append(
            ".p{background:#181b1f;border:1px solid #2c3235;border-radius:3px;padding:8px;overflow:hidden}")
        .append(".p h3{margin:0 0 6px;font-size:13px;color:#d8d9da}")
        .append(
            "table{border-collapse:collapse;width:100%}td,th{padding:3px 6px;border-bottom:1px solid #2c3235;text-align:right}")
        .append(
            "td:first-child,th:first-child{text-align:left}th{color:#6e9fff;font-weight:normal}")
        .append(
            ".stat{font-size:34px;color:#73bf69;margin:10px 0}.note{color:#8e8e8e;margin:4px 0 10px}")
        .append(".bar{height:16px;background:#5794f2;display:inline-block;vertical-align:middle}")
        .append("</style></head><body><h2>")
        .append(esc(dashboard.path("title").asText()))
        .append(
            "</h2><div class=note>Preview rendered from the dashboard's own SQL against the test")
        .append(" fixture warehouse (")
        .append(esc(GrafanaDashboardIT.VARIABLES.toString()))
        .append(", time range 2025-01-01 to 2025-03-31): not a Grafana screenshot.</div>")
        .append("<div class=grid>");
    for (JsonNode p : dashboard.path("panels")) {
      String title = GrafanaDashboardIT.substitute(p.path("title").asText());
      JsonNode pos = p.path("gridPos");
      h.append("<div class=p style=\"grid-column:")
          .append(pos.path("x").asInt() + 1)
          .append(" / span ")
          .append(pos.path("w").asInt())
          .append(";grid-row:")
          .append(pos.path("y").asInt() + 1)
          .append(" / span ")
          .append(pos.path("h").asInt())
          .append("\"><h3>")
          .append(esc(title))
          .append("</h3>");
      String sql = GrafanaDashboardIT.substitute(p.path("targets").get(0).path("rawSql").asText());
      List<Map<String, Object>> rows = w.query(sql);
      switch (p.path("type").asText()) {
        case "timeseries" ->
            bars(h, rows, pos.path("w").asInt() * 54, pos.path("h").asInt() * 38 - 60);
        case "stat" -> stat(h, rows);
        case "bargauge" -> gauge(h, rows);
        case "piechart" -> pie(h, rows);
        default -> table(h, rows);
      }
      h.append("</div>");
    }
    h.append("</div></body></html>\n");
    Files.createDirectories(dir);
    Path out = dir.resolve("index.html");
    Files.writeString(out, h.toString());
    return out;
  }

  private static void table(StringBuilder h, List<Map<String, Object>> rows) {
    h.append("<table><tr>");
    if (!rows.isEmpty()) {
      rows.get(0).keySet().forEach(k -> h.append("<th>").append(esc(k)).append("</th>"));
    }
    h.append("</tr>");
    for (Map<String, Object> r : rows) {
      h.append("<tr>");
      r.values().forEach(v -> h.append("<td>").append(esc(fmt(v))).append("</td>"));
      h.append("</tr>");
    }
    h.append("</table>");
  }

  private static void stat(StringBuilder h, List<Map<String, Object>> rows) {
    for (Map.Entry<String, Object> e : rows.get(0).entrySet()) {
      h.append("<div>")
          .append(esc(e.getKey()))
          .append("</div><div class=stat>")
          .append(esc(fmt(e.getValue())))
          .append("</div>");
    }
  }

  private static void gauge(StringBuilder h, List<Map<String, Object>> rows) {
    double max = rows.stream().mapToDouble(r -> num(second(r))).max().orElse(1);
    h.append("<table>");
    for (Map<String, Object> r : rows) {
      double v = num(second(r));
      int width = max <= 0 ? 0 : (int) Math.round(200 * v / max);
      h.append("<tr><td>")
          .append(esc(fmt(r.values().iterator().next())))
          .append("</td><td style=\"text-align:left\"><span class=bar style=\"width:")
          .append(width)
          .append("px\"></span> ")
          .append(esc(fmt(second(r))))
          .append("</td></tr>");
    }
    h.append("</table>");
  }

  private static void pie(StringBuilder h, List<Map<String, Object>> rows) {
    double total = rows.stream().mapToDouble(r -> Math.max(0, num(second(r)))).sum();
    h.append("<svg width=150 height=150 viewBox=\"-1 -1 2 2\" style=\"float:left\">");
    double angle = 0;
    int i = 0;
    for (Map<String, Object> r : rows) {
      double share = total <= 0 ? 0 : Math.max(0, num(second(r))) / total;
      if (share > 0) {
        double a2 = angle + share * 2 * Math.PI;
        h.append(
            String.format(
                java.util.Locale.ROOT,
                "<path d=\"M %.4f %.4f A 1 1 0 %d 1 %.4f %.4f L %.4f %.4f A 0.55 0.55 0 %d 0 %.4f %.4f Z\" fill=\"%s\"/>",
                Math.cos(angle),
                Math.sin(angle),
                share > 0.5 ? 1 : 0,
                Math.cos(a2),
                Math.sin(a2),
                0.55 * Math.cos(a2),
                0.55 * Math.sin(a2),
                share > 0.5 ? 1 : 0,
                0.55 * Math.cos(angle),
                0.55 * Math.sin(angle),
                COLORS[i % COLORS.length]));
        angle = a2;
      }
      i++;
    }
    h.append("</svg><table style=\"width:auto;margin-left:160px\">");
    i = 0;
    for (Map<String, Object> r : rows) {
      double share = total <= 0 ? 0 : Math.max(0, num(second(r))) / total;
      h.append("<tr><td><span style=\"color:")
          .append(COLORS[i++ % COLORS.length])
          .append("\">&#9632;</span> ")
          .append(esc(fmt(r.values().iterator().next())))
          .append("</td><td>")
          .append(String.format(java.util.Locale.ROOT, "%.1f%%", 100 * share))
          .append("</td></tr>");
    }
    h.append("</table>");
  }

  /** Grouped bars: the first column is the x label, every other column a series. */
  private static void bars(StringBuilder h, List<Map<String, Object>> rows, int width, int height) {
    if (rows.isEmpty()) {
      h.append("no data");
      return;
    }
    List<String> series = new ArrayList<>(rows.get(0).keySet()).subList(1, rows.get(0).size());
    double max = 0;
    for (Map<String, Object> r : rows) {
      for (String s : series) {
        max = Math.max(max, num(r.get(s)));
      }
    }
    max = max <= 0 ? 1 : max;
    int plotH = height - 30;
    int group = (width - 50) / rows.size();
    int bar = Math.max(4, (group - 20) / series.size());
    h.append("<svg width=").append(width).append(" height=").append(height).append(">");
    for (int g = 0; g <= 4; g++) {
      int y = 5 + plotH - plotH * g / 4;
      h.append(
          String.format(
              java.util.Locale.ROOT,
              "<line x1=45 x2=%d y1=%d y2=%d stroke=#2c3235 /><text x=40 y=%d fill=#8e8e8e font-size=10 text-anchor=end>%.0f</text>",
              width,
              y,
              y,
              y + 3,
              max * g / 4));
    }
    for (int i = 0; i < rows.size(); i++) {
      Map<String, Object> r = rows.get(i);
      int x0 = 50 + i * group + 10;
      for (int s = 0; s < series.size(); s++) {
        double v = num(r.get(series.get(s)));
        int bh = (int) Math.round(plotH * v / max);
        h.append(
            String.format(
                java.util.Locale.ROOT,
                "<rect x=%d y=%d width=%d height=%d fill=\"%s\"><title>%s %s</title></rect>",
                x0 + s * bar,
                5 + plotH - bh,
                bar - 2,
                bh,
                COLORS[s % COLORS.length],
                esc(series.get(s)),
                esc(fmt(r.get(series.get(s))))));
      }
      String label = String.valueOf(r.values().iterator().next());
      h.append(
          String.format(
              java.util.Locale.ROOT,
              "<text x=%d y=%d fill=#ccccdc font-size=11>%s</text>",
              x0,
              height - 8,
              esc(label.length() >= 10 ? label.substring(0, 10) : label)));
    }
    for (int s = 0; s < series.size(); s++) {
      h.append(
          String.format(
              java.util.Locale.ROOT,
              "<rect x=%d y=2 width=10 height=10 fill=\"%s\"/><text x=%d y=11 fill=#ccccdc font-size=11>%s</text>",
              width - 240 + s * 80,
              COLORS[s % COLORS.length],
              width - 226 + s * 80,
              esc(series.get(s))));
    }
    h.append("</svg>");
  }

  private static Object second(Map<String, Object> r) {
    return new ArrayList<>(r.values()).get(1);
  }

  private static double num(Object v) {
    return v instanceof Number n ? n.doubleValue() : 0;
  }

  private static String fmt(Object v) {
    if (v instanceof BigDecimal d) {
      return d.setScale(
              Math.min(Math.max(d.stripTrailingZeros().scale(), 0), 2), RoundingMode.HALF_UP)
          .toPlainString();
    }
    return v == null ? "–" : String.valueOf(v);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
