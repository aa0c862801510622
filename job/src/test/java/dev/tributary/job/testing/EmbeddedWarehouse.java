package dev.tributary.job.testing;

import dev.tributary.job.ops.WarehouseMigrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A real PostgreSQL (embedded binaries) with the warehouse migrations applied by Flyway. */
public final class EmbeddedWarehouse implements AutoCloseable {
  private final EmbeddedPostgres postgres;

  private EmbeddedWarehouse(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  public static EmbeddedWarehouse start() throws Exception {
    return migrated(EmbeddedPostgres.builder());
  }

  private static EmbeddedWarehouse migrated(EmbeddedPostgres.Builder server) throws Exception {
    EmbeddedWarehouse w = new EmbeddedWarehouse(server.start());
    WarehouseMigrations.migrate(w.jdbcUrl(), "postgres", "postgres");
    return w;
  }

  /**
   * A warehouse whose server also keeps {@code pg_stat_statements} of every statement, the
   * triggers' included: the benchmark's view of where PostgreSQL's time goes.
   */
  public static EmbeddedWarehouse startWithStatementStats() throws Exception {
    EmbeddedWarehouse w =
        migrated(
            EmbeddedPostgres.builder()
                .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                .setServerConfig("pg_stat_statements.track", "all")
                .setServerConfig("track_functions", "pl"));
    w.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    return w;
  }

  /**
   * A warehouse whose schema stops at {@code version}, as an installation of an older release left
   * it; {@link #migrate()} brings it to the newest.
   */
  public static EmbeddedWarehouse startAt(String version) throws Exception {
    EmbeddedWarehouse w = new EmbeddedWarehouse(EmbeddedPostgres.builder().start());
    org.flywaydb.core.Flyway.configure()
        .dataSource(w.jdbcUrl(), "postgres", "postgres")
        .locations("classpath:db/migration")
        .target(version)
        .load()
        .migrate();
    return w;
  }

  /** Applies the migrations this schema has not had yet. */
  public void migrate() {
    WarehouseMigrations.migrate(jdbcUrl(), "postgres", "postgres");
  }

  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  /** Rows of a query as ordered column → value maps. */
  public List<Map<String, Object>> query(String sql) throws SQLException {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      List<Map<String, Object>> rows = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
          row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  /**
   * The warehouse goes away for {@code duration}, as far as its clients can tell: every open
   * connection to it is terminated and new ones are refused ("database does not allow
   * connections"), then it comes back. Run from the {@code template1} database, which stays up.
   */
  public void outage(java.time.Duration duration) throws Exception {
    try (Connection c = postgres.getDatabase("postgres", "template1").getConnection();
        Statement st = c.createStatement()) {
      st.execute("ALTER DATABASE postgres WITH ALLOW_CONNECTIONS false");
      st.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'postgres'"
              + " AND pid <> pg_backend_pid()");
    }
    Thread.sleep(duration.toMillis());
    // A fresh connection brings the database back: the outage must end whatever happened to the
    // first one (a terminated connection left the database closed for good, failing the job).
    try (Connection c = postgres.getDatabase("postgres", "template1").getConnection();
        Statement st = c.createStatement()) {
      st.execute("ALTER DATABASE postgres WITH ALLOW_CONNECTIONS true");
    }
  }

  public void execute(String sql) throws SQLException {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  @Override
  public void close() throws Exception {
    postgres.close();
  }
}
