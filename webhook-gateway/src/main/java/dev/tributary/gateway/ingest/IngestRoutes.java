package dev.tributary.gateway.ingest;

import dev.tributary.gateway.config.GatewayConfig;
import dev.tributary.gateway.config.SiteDirectory;
import dev.tributary.gateway.kafka.KafkaPublisher;
import dev.tributary.gateway.kafka.PublishException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpResponseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest routes and how their failures are answered: every refusal is counted by reason and
 * written as {@code {"error":…,"message":…}}; a Kafka failure is a 503 with {@code Retry-After},
 * never a 2xx.
 */
public final class IngestRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(IngestRoutes.class);

  /** Seconds a client should wait after a 503; Stripe and most providers retry on their own. */
  static final String RETRY_AFTER_SECONDS = "5";

  private IngestRoutes() {}

  /** Adds the POST routes, the tracker's CORS preflight and the error mapping to {@code routes}. */
  public static void register(
      RoutesConfig routes,
      GatewayConfig config,
      KafkaPublisher publisher,
      GatewayMetrics metrics,
      Clock clock) {
    SiteDirectory sites = new SiteDirectory(config.sites());
    RequestBody requestBody = new RequestBody(config.maxBodyBytes());
    Forwarder forwarder = new Forwarder(publisher, config.topics(), metrics);

    WebhookProvider stripe =
        WebhookProvider.stripe(Duration.ofSeconds(config.signatureToleranceSeconds()));
    routes.post(
        "/webhooks/" + stripe.name() + "/{siteId}",
        new WebhookHandler(stripe, sites, requestBody, forwarder, clock));
    routes.post("/api/v1/payments", new PaymentsApiHandler(sites, requestBody, forwarder, clock));
    routes.post("/api/v1/events", new TrackingHandler(sites, requestBody, forwarder, clock));
    routes.options("/api/v1/events", TrackingHandler.preflight(sites));

    routes.exception(
        ApiError.class,
        (error, ctx) -> {
          LOG.debug("{} {} refused: {} {}", ctx.method(), ctx.path(), error.status(), error.code());
          metrics.rejected(error.code());
          Responses.error(ctx, error);
        });
    routes.exception(
        PublishException.class,
        (error, ctx) -> {
          LOG.debug("{} {} not stored: {}", ctx.method(), ctx.path(), error.getMessage());
          ApiError answer =
              error.recordTooLarge()
                  ? new ApiError(413, "payload_too_large", "the record is too large for Kafka")
                  : new ApiError(
                      503,
                      "kafka_unavailable",
                      "the event could not be stored; retry later",
                      Map.of(),
                      Map.of("Retry-After", RETRY_AFTER_SECONDS));
          metrics.rejected(answer.code());
          Responses.error(ctx, answer);
        });
    routes.exception(
        HttpResponseException.class,
        (error, ctx) -> {
          String code = error.getStatus() == 404 ? "not_found" : "http_" + error.getStatus();
          metrics.rejected(code);
          Responses.error(ctx, new ApiError(error.getStatus(), code, error.getMessage()));
        });
    routes.exception(
        Exception.class,
        (error, ctx) -> {
          // The exception, never the body: bodies may hold emails.
          LOG.error("{} {} failed", ctx.method(), ctx.path(), error);
          metrics.rejected("internal_error");
          Responses.error(ctx, new ApiError(500, "internal_error", "internal error"));
        });
  }
}
