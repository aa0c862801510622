package dev.tributary.gateway;

import dev.tributary.gateway.config.GatewayConfig.Operations;
import dev.tributary.gateway.ingest.GatewayMetrics;
import dev.tributary.gateway.kafka.KafkaReadiness;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The operations listener: {@code GET /healthz} (the process is up), {@code GET /readyz} (Kafka
 * answered lately; {@link KafkaReadiness}) and {@code GET /metrics} (Prometheus text), on a port of
 * its own. The public port does not serve them: metrics tell anyone who can read them the traffic
 * and refusal counts of every provider, and a probe must not share a thread pool with a flood of
 * public requests (a liveness probe starved by ingest traffic would restart a healthy pod).
 *
 * <p>Its own small thread pool; answers never wait for Kafka.
 */
final class OpsServer {

  /** Probes and one scraper: a few threads are plenty. */
  private static final int MAX_THREADS = 16;

  private OpsServer() {}

  static Javalin start(
      Operations operations, int maxHeaderBytes, KafkaReadiness readiness, GatewayMetrics metrics) {
    return Javalin.create(
            javalin -> {
              javalin.jetty.host = operations.bindAddress();
              javalin.jetty.port = operations.port();
              QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
              threads.setName("tributary-ops");
              javalin.jetty.threadPool = threads;
              javalin.jetty.modifyHttpConfiguration(
                  http -> {
                    http.setRequestHeaderSize(maxHeaderBytes);
                    http.setSendServerVersion(false);
                    http.setSendXPoweredBy(false);
                  });
              javalin.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
              javalin.startup.showJavalinBanner = false;
              javalin.startup.showOldJavalinVersionWarning = false;
              javalin.routes.get("/healthz", ctx -> json(ctx, 200, "{\"status\":\"up\"}"));
              javalin.routes.get("/readyz", ctx -> ready(ctx, readiness.status()));
              javalin.routes.get(
                  "/metrics",
                  ctx ->
                      ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                          .result(metrics.prometheus()));
              javalin.routes.exception(
                  HttpResponseException.class,
                  (error, ctx) -> {
                    String code =
                        error.getStatus() == 404 ? "not_found" : "http_" + error.getStatus();
                    json(
                        ctx,
                        error.getStatus(),
                        "{\"error\":\"" + code + "\",\"message\":\"not an operations endpoint\"}");
                  });
            })
        .start();
  }

  private static void ready(Context ctx, KafkaReadiness.Status status) {
    ctx.header("Cache-Control", "no-store");
    switch (status.state()) {
      case READY ->
          json(ctx, 200, "{\"status\":\"ready\",\"ageMillis\":" + status.ageMillis() + "}");
      case UNREACHABLE ->
          json(
              ctx,
              503,
              "{\"error\":\"kafka_unavailable\",\"message\":\"Kafka is not reachable\",\"ageMillis\":"
                  + status.ageMillis()
                  + "}");
      case UNKNOWN ->
          json(ctx, 503, "{\"error\":\"readiness_unknown\",\"message\":\"no recent Kafka check\"}");
    }
  }

  private static void json(Context ctx, int status, String body) {
    ctx.status(status).contentType("application/json").result(body);
  }
}
