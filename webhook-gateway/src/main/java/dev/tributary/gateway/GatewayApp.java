package dev.tributary.gateway;

import dev.tributary.gateway.config.GatewayConfig;
import dev.tributary.gateway.ingest.GatewayMetrics;
import dev.tributary.gateway.ingest.IngestRoutes;
import dev.tributary.gateway.kafka.KafkaPublisher;
import dev.tributary.gateway.kafka.KafkaReadiness;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook gateway: an HTTP server that checks each request and hands it to Kafka before saying
 * yes. This class only wires config, routes and the Kafka clients together; the rules live in
 * {@code config}, {@code verify}, {@code ingest} and {@code kafka}.
 *
 * <p>Besides the ingest routes it serves {@code GET /healthz} (the process is up), {@code GET
 * /readyz} (Kafka is reachable) and {@code GET /metrics} (Prometheus text).
 */
public final class GatewayApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayApp.class);

  private final Javalin server;
  private final KafkaPublisher publisher;
  private final KafkaReadiness readiness;

  private GatewayApp(Javalin server, KafkaPublisher publisher, KafkaReadiness readiness) {
    this.server = server;
    this.publisher = publisher;
    this.readiness = readiness;
  }

  /** Starts the gateway; returns once it accepts connections. */
  public static GatewayApp start(GatewayConfig config) {
    Clock clock = Clock.systemUTC();
    GatewayMetrics metrics = new GatewayMetrics(IngestRoutes.providerLabels());
    KafkaPublisher publisher = new KafkaPublisher(config.kafkaBootstrapServers());
    KafkaReadiness readiness = new KafkaReadiness(config.kafkaBootstrapServers(), clock);
    try {
      Javalin server =
          Javalin.create(
                  javalin -> configure(javalin, config, publisher, readiness, metrics, clock))
              .start();
      LOG.info(
          "Tributary gateway listening on port {} for {} site(s), producing to Kafka at {}",
          server.port(),
          config.sites().size(),
          config.kafkaBootstrapServers());
      return new GatewayApp(server, publisher, readiness);
    } catch (RuntimeException e) {
      readiness.close();
      publisher.close();
      throw e;
    }
  }

  /** The port the server listens on (the chosen one when the config asked for 0). */
  public int port() {
    return server.port();
  }

  /** Stops taking requests, then flushes and closes the Kafka clients. */
  @Override
  public void close() {
    server.stop();
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
      KafkaReadiness readiness,
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
    javalin.routes.get("/healthz", ctx -> json(ctx, 200, "{\"status\":\"up\"}"));
    javalin.routes.get(
        "/readyz",
        ctx -> {
          if (readiness.isReady()) {
            json(ctx, 200, "{\"status\":\"ready\"}");
          } else {
            json(
                ctx,
                503,
                "{\"error\":\"kafka_unavailable\",\"message\":\"Kafka is not reachable\"}");
          }
        });
    javalin.routes.get(
        "/metrics",
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.prometheus()));
  }

  private static void json(Context ctx, int status, String body) {
    ctx.status(status).contentType("application/json").result(body);
  }
}
