package dev.tributary.local;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A short revenue-by-channel table for the console, read from the warehouse view {@code
 * revenue_by_channel}: one row per channel and currency, one column per attribution model (net
 * revenue in major units), then a line on how the payments were attributed.
 */
public final class RevenueSummary {

  /** Something that opens a JDBC connection to the warehouse. */
  @FunctionalInterface
  public interface ConnectionSource {
    Connection open() throws SQLException;
  }

  /** Display order of the models the job is expected to write; unknown models follow by name. */
  private static final List<String> MODEL_ORDER =
      List.of(
          "last_touch", "first_touch", "last_non_direct", "linear", "position_based", "time_decay");

  private final ConnectionSource connections;
  private final String siteId;

  public RevenueSummary(ConnectionSource connections, String siteId) {
    this.connections = connections;
    this.siteId = siteId;
  }

  private record Cell(String channel, String currency) {}

  /** Renders the table; never throws (a failure becomes a one-line message). */
  public String render() {
    try (Connection c = connections.open()) {
      return render(c);
    } catch (SQLException e) {
      return "revenue summary unavailable: " + e.getMessage().lines().findFirst().orElse("") + "\n";
    }
  }

  String render(Connection c) throws SQLException {
    Map<Cell, Map<String, BigDecimal>> net = new TreeMap<>(cellOrder());
    Map<Cell, Long> paymentCounts = new LinkedHashMap<>();
    Set<String> models = new LinkedHashSet<>();
    String sql =
        "SELECT model, channel, currency, payments, net_amount FROM revenue_by_channel"
            + " WHERE site_id = ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, siteId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String model = rs.getString("model");
          Cell cell =
              new Cell(
                  nullToDash(rs.getString("channel")),
                  nullToDash(rs.getString("currency")).toUpperCase(Locale.ROOT));
          models.add(model);
          net.computeIfAbsent(cell, k -> new LinkedHashMap<>())
              .merge(model, orZero(rs.getBigDecimal("net_amount")), BigDecimal::add);
          paymentCounts.merge(cell, rs.getLong("payments"), Math::max);
        }
      }
    }
    List<String> columns = new ArrayList<>(models);
    columns.sort(modelOrder());

    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "── revenue by channel · site %s · %s · net, major units ──%n",
            siteId, LocalTime.now().truncatedTo(ChronoUnit.SECONDS)));
    if (net.isEmpty()) {
      sb.append("   (no attributed revenue yet)\n");
    } else {
      List<String> header = new ArrayList<>(List.of("channel", "cur", "payments"));
      header.addAll(columns);
      List<List<String>> rows = new ArrayList<>();
      for (var e : net.entrySet()) {
        List<String> row = new ArrayList<>();
        row.add(e.getKey().channel());
        row.add(e.getKey().currency());
        row.add(String.valueOf(paymentCounts.getOrDefault(e.getKey(), 0L)));
        for (String model : columns) {
          BigDecimal v = e.getValue().get(model);
          row.add(v == null ? "-" : money(v, e.getKey().currency()));
        }
        rows.add(row);
      }
      appendTable(sb, header, rows);
    }
    sb.append(attributionLine(c));
    return sb.toString();
  }

  private String attributionLine(Connection c) throws SQLException {
    String sql =
        "SELECT method, confidence, count(*) AS n FROM payments WHERE site_id = ?"
            + " GROUP BY method, confidence ORDER BY n DESC, method";
    long total = 0;
    List<String> parts = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, siteId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long n = rs.getLong("n");
          total += n;
          String method = nullToDash(rs.getString("method"));
          String confidence = rs.getString("confidence");
          parts.add(
              n
                  + " "
                  + method
                  + (confidence == null || confidence.isEmpty() ? "" : "/" + confidence));
        }
      }
    }
    return "   payments: "
        + total
        + (parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")")
        + "\n";
  }

  private static void appendTable(StringBuilder sb, List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      width[i] = header.get(i).length();
      for (List<String> row : rows) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    appendRow(sb, header, width);
    for (List<String> row : rows) {
      appendRow(sb, row, width);
    }
  }

  private static void appendRow(StringBuilder sb, List<String> cells, int[] width) {
    sb.append("   ");
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      boolean text = i < 2;
      String pad = " ".repeat(width[i] - cell.length());
      sb.append(text ? cell + pad : pad + cell);
      sb.append(i == cells.size() - 1 ? "" : "  ");
    }
    sb.append('\n');
  }

  /** {@code v} with the currency's usual number of decimals (the view's division yields more). */
  static String money(BigDecimal v, String currency) {
    int digits;
    try {
      digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
    } catch (IllegalArgumentException e) {
      digits = Math.min(4, Math.max(0, v.stripTrailingZeros().scale()));
    }
    return String.format(
        Locale.ROOT, "%,." + digits + "f", v.setScale(digits, RoundingMode.HALF_EVEN));
  }

  private static BigDecimal orZero(BigDecimal v) {
    return v == null ? BigDecimal.ZERO : v;
  }

  private static String nullToDash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }

  private static Comparator<String> modelOrder() {
    return Comparator.<String>comparingInt(
            m -> {
              int i = MODEL_ORDER.indexOf(m);
              return i < 0 ? MODEL_ORDER.size() : i;
            })
        .thenComparing(Comparator.naturalOrder());
  }

  private static Comparator<Cell> cellOrder() {
    return Comparator.comparing(Cell::currency).thenComparing(Cell::channel);
  }
}
