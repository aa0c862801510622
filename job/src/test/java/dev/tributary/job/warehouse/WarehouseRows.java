package dev.tributary.job.warehouse;

import dev.tributary.job.testing.EmbeddedWarehouse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The hand-written warehouse fixture and a compact way to compare query results. */
public final class WarehouseRows {
  private WarehouseRows() {}

  /** Inserts {@code warehouse/views-fixture.sql} (see its header for the story). */
  public static void loadFixture(EmbeddedWarehouse w) throws SQLException {
    w.execute(resource("/warehouse/views-fixture.sql"));
  }

  /**
   * Sets each payment's position ({@code payments.credits}) from the journal rows a test wrote
   * straight into {@code revenue_ledger}, as the job's rows carry it.
   */
  public static void positionsFromJournal(EmbeddedWarehouse w) throws SQLException {
    w.execute(resource("/warehouse/positions-from-journal.sql"));
  }

  public static String resource(String name) {
    try (InputStream in = WarehouseRows.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Each row as its values joined by " | "; decimals without trailing zeros (200.00 → 200), NULL as
   * "null".
   */
  public static List<String> rows(EmbeddedWarehouse w, String sql) throws SQLException {
    return w.query(sql).stream().map(WarehouseRows::line).toList();
  }

  public static String line(Map<String, Object> row) {
    return row.values().stream().map(WarehouseRows::text).collect(Collectors.joining(" | "));
  }

  public static String text(Object v) {
    if (v instanceof BigDecimal d) {
      return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }
    return String.valueOf(v);
  }
}
