package dev.tributary.job.ops;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the warehouse schema (the repo's {@code sql/} folder, packaged at {@code db/migration})
 * with Flyway: versioned migrations {@code V<n>__*.sql} once each, repeatable views {@code
 * R__*.sql} whenever they change.
 *
 * <p>Command line, for a real database: {@code java -cp tributary-job.jar
 * dev.tributary.job.ops.WarehouseMigrations <jdbc-url> <user>} with the password in {@code
 * TRIBUTARY_JDBC_PASSWORD}.
 */
public final class WarehouseMigrations {
  private static final Logger LOG = LoggerFactory.getLogger(WarehouseMigrations.class);

  private WarehouseMigrations() {}

  public static MigrateResult migrate(String jdbcUrl, String user, String password) {
    MigrateResult result =
        Flyway.configure()
            .dataSource(jdbcUrl, user, password)
            .locations("classpath:db/migration")
            .load()
            .migrate();
    LOG.info(
        "warehouse schema at version {} ({} migrations applied)",
        result.targetSchemaVersion,
        result.migrationsExecuted);
    return result;
  }

  public static void main(String[] args) {
    if (args.length < 1 || args.length > 2) {
      throw new IllegalArgumentException(
          "usage: WarehouseMigrations <jdbc-url> [user]; password in TRIBUTARY_JDBC_PASSWORD");
    }
    String password = System.getenv().getOrDefault("TRIBUTARY_JDBC_PASSWORD", "");
    migrate(args[0], args.length > 1 ? args[1] : "postgres", password);
  }
}
