package dev.tributary.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real PostgreSQL server (zonky's embedded binaries) running as a child process of this JVM.
 *
 * <p>The cluster lives in {@code dataDir}: the first start runs initdb there, later starts reuse it
 * (zonky skips initdb when {@code postgresql.conf} exists and the directory is not cleaned). The
 * warehouse is a database {@value #DATABASE} owned by the superuser {@value #USER}; local
 * connections need no password (trust authentication, localhost only), so any password works in a
 * SQL client.
 */
public final class LocalPostgres implements AutoCloseable {

  public static final String DATABASE = "tributary";
  public static final String USER = "postgres";
  public static final String PASSWORD = "postgres";

  private final EmbeddedPostgres postgres;

  private LocalPostgres(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts PostgreSQL over {@code dataDir} on {@code port} (0 = any free port). */
  public static LocalPostgres start(Path dataDir, int port) throws IOException, SQLException {
    Path dir = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    stopOrphanedServer(dir);
    EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(dir)
            .setCleanDataDirectory(false)
            .setPort(port == 0 ? Ports.freePort() : port)
            .setPGStartupWait(Duration.ofSeconds(60))
            // The runner stops PostgreSQL itself, in order, after the job.
            .setRegisterShutdownHook(false)
            .setServerConfig("listen_addresses", "localhost")
            .setServerConfig("max_connections", "100")
            // Room for an exactly-once (XA) JDBC sink, should the job use one.
            .setServerConfig("max_prepared_transactions", "20")
            .start();
    LocalPostgres local = new LocalPostgres(pg);
    try {
      local.ensureDatabase();
    } catch (SQLException | RuntimeException e) {
      local.close();
      throw e;
    }
    return local;
  }

  /**
   * If a previous runner was killed (kill -9, a crash), its PostgreSQL child process may still run
   * on this data directory and would keep the new one from starting. Ask it to shut down (SIGTERM,
   * a "smart" shutdown: its clients died with the old JVM) and wait for it.
   */
  static void stopOrphanedServer(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    } catch (RuntimeException e) {
      return; // unreadable: PostgreSQL itself will judge the stale file
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    boolean isPostgres =
        process
            .filter(ProcessHandle::isAlive)
            .flatMap(p -> p.info().command())
            // Only zonky's extracted binaries: never a system PostgreSQL that reuses the pid.
            .map(cmd -> cmd.contains("embedded-pg") && cmd.endsWith("/postgres"))
            .orElse(false);
    if (!isPostgres) {
      return;
    }
    ProcessHandle handle = process.get();
    handle.destroy();
    try {
      handle.onExit().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping an orphaned PostgreSQL (pid " + pid + ")");
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(
          "an orphaned PostgreSQL (pid " + pid + ") still runs on " + dataDir + "; stop it first");
    }
  }

  public int port() {
    return postgres.getPort();
  }

  /** JDBC URL of the warehouse database. */
  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + port() + "/" + DATABASE;
  }

  public String user() {
    return USER;
  }

  public String password() {
    return PASSWORD;
  }

  /** A new connection to the warehouse database; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
  }

  private void ensureDatabase() throws SQLException {
    String adminUrl = "jdbc:postgresql://localhost:" + port() + "/postgres";
    try (Connection c = DriverManager.getConnection(adminUrl, USER, PASSWORD);
        Statement st = c.createStatement()) {
      boolean exists;
      try (ResultSet rs =
          st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        exists = rs.next();
      }
      if (!exists) {
        st.execute("CREATE DATABASE " + DATABASE);
      }
    }
  }

  /** Fast shutdown of the server (pg_ctl stop -m fast); the data directory stays. */
  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
