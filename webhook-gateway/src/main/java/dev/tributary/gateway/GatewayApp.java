package dev.tributary.gateway;

import dev.tributary.gateway.config.GatewayConfig;
import dev.tributary.gateway.ingest.GatewayMetrics;
import dev.tributary.gateway.ingest.IngestRoutes;
import dev.tributary.gateway.kafka.KafkaPublisher;
import dev.tributary.gateway.kafka.KafkaReadiness;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook gateway: an HTTP server that checks each request and hands it to Kafka before saying
 * yes. This class only wires config, routes and the Kafka clients together; the rules live in
 * {@code config}, {@code verify}, {@code ingest} and {@code kafka}.
 *
 * <p>The public port serves the ingest routes only. {@code GET /healthz} (the process is up),
 * {@code GET /readyz} (Kafka answered lately) and {@code GET /metrics} (Prometheus text) are on the
 * operations port ({@link OpsServer}).
 */
public final class GatewayApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayApp.class);

  private final Javalin server;
  private final Javalin ops;
  private final KafkaPublisher publisher;
  private final KafkaReadiness readiness;

  private GatewayApp(
      Javalin server, Javalin ops, KafkaPublisher publisher, KafkaReadiness readiness) {
    this.server = server;
    this.ops = ops;
    this.publisher = publisher;
    this.readiness = readiness;
  }

  /** Starts the gateway; returns once both listeners accept connections. */
  public static GatewayApp start(GatewayConfig config) {
    // Warnings name sites only, never a secret or a key.
    config.warnings().forEach(LOG::warn);
    Clock clock = Clock.systemUTC();
    GatewayMetrics metrics = new GatewayMetrics(IngestRoutes.providerLabels());
    KafkaPublisher publisher = new KafkaPublisher(config.kafkaBootstrapServers());
    KafkaReadiness readiness = KafkaReadiness.start(config.kafkaBootstrapServers());
    Javalin server = null;
    try {
      server =
          Javalin.create(javalin -> configure(javalin, config, publisher, metrics, clock)).start();
      Javalin ops =
          OpsServer.start(
              config.operations(), config.protection().maxHeaderBytes(), readiness, metrics);
      LOG.info(
          "Tributary gateway listening on port {} (operations on {}:{}) for {} site(s), producing"
              + " to Kafka at {}",
          server.port(),
          config.operations().bindAddress(),
          ops.port(),
          config.sites().size(),
          config.kafkaBootstrapServers());
      return new GatewayApp(server, ops, publisher, readiness);
    } catch (RuntimeException e) {
      if (server != null) {
        server.stop();
      }
      readiness.close();
      publisher.close();
      throw e;
    }
  }

  /** The public port (the chosen one when the config asked for 0). */
  public int port() {
    return server.port();
  }

  /** The operations port: /healthz, /readyz, /metrics (the chosen one when asked for 0). */
  public int opsPort() {
    return ops.port();
  }

  /** Stops taking requests, then flushes and closes the Kafka clients. */
  @Override
  public void close() {
    server.stop();
    ops.stop();
    readiness.close();
    publisher.close();
    LOG.info("Tributary gateway stopped");
  }

  /** Runs the gateway from {@code TRIBUTARY_*} environment variables until the JVM stops. */
  public static void main(String[] args) {
    GatewayConfig config;
    try {
      config = GatewayConfig.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      LOG.error("Invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    GatewayApp app = start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "tributary-gateway-shutdown"));
  }

  private static void configure(
      JavalinConfig javalin,
      GatewayConfig config,
      KafkaPublisher publisher,
      GatewayMetrics metrics,
      Clock clock) {
    javalin.jetty.port = config.port();
    javalin.jetty.modifyHttpConfiguration(
        http -> {
          // Jetty answers a larger request head with 431 before any handler runs.
          http.setRequestHeaderSize(config.protection().maxHeaderBytes());
          // Jetty reuses header values already seen on a connection and by default matches them
          // ignoring case: an API key or a base64 signature differing from an earlier one only in
          // case would be replaced by the earlier value. Secrets are case-sensitive.
          http.setHeaderCacheCaseSensitive(true);
          http.setSendServerVersion(false);
          http.setSendXPoweredBy(false);
        });
    javalin.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
    javalin.startup.showJavalinBanner = false;
    javalin.startup.showOldJavalinVersionWarning = false;
    javalin.requestLogger.http(
        (ctx, ms) ->
            LOG.debug(
                "{} {} -> {} in {} ms",
                ctx.method(),
                IngestRoutes.loggablePath(ctx.path()),
                ctx.statusCode(),
                ms));
    IngestRoutes.register(javalin.routes, config, publisher, metrics, clock);
  }
}
