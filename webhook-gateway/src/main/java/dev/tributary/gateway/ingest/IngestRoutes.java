package dev.tributary.gateway.ingest;

import dev.tributary.gateway.config.GatewayConfig;
import dev.tributary.gateway.config.GatewayConfig.Capacity;
import dev.tributary.gateway.config.SiteDirectory;
import dev.tributary.gateway.config.WebhookProviders;
import dev.tributary.gateway.kafka.KafkaPublisher;
import dev.tributary.gateway.kafka.PublishException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest routes and how their failures are answered: every refusal is counted by provider and
 * reason and written as {@code {"error":…,"message":…}}; a Kafka failure is a 503 with {@code
 * Retry-After}, never a 2xx. Every POST route reads its body and waits for Kafka asynchronously
 * ({@code ctx.future}): a request holds a server thread only while it computes.
 *
 * <table>
 *   <caption>Routes</caption>
 *   <tr><td>POST
 *       /webhooks/{stripe|lemonsqueezy|paddle|razorpay|dodo|polar|paystack|creem|shopify|
 *       woocommerce}/{siteId}</td>
 *       <td>{@link WebhookHandler}, one {@link WebhookProvider} each</td></tr>
 *   <tr><td>POST /webhooks/gumroad/{siteId}/{token}</td><td>{@link WebhookHandler}</td></tr>
 *   <tr><td>POST /api/v1/payments (alias /api/v1/payment), POST /api/v1/refunds</td><td>{@link
 *       PaymentApiHandler}</td></tr>
 *   <tr><td>POST /api/v1/events (+ OPTIONS)</td><td>{@link TrackingHandler}</td></tr>
 *   <tr><td>POST /api/v1/identify (+ OPTIONS)</td><td>{@link IdentifyHandler}</td></tr>
 *   <tr><td>POST /api/v1/identify/verified</td><td>{@link VerifiedIdentifyHandler}</td></tr>
 *   <tr><td>GET /t.js</td><td>{@link TrackerScript}</td></tr>
 * </table>
 */
public final class IngestRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(IngestRoutes.class);

  /** Seconds a client should wait after a 503; Stripe and most providers retry on their own. */
  static final String RETRY_AFTER_SECONDS = "5";

  private static final String PROVIDER_ATTRIBUTE = "tributary.provider";

  /** Everything after /webhooks/<provider>/<site>/ may be a URL token: never logged. */
  private static final Pattern WEBHOOK_TOKEN = Pattern.compile("^(/webhooks/[^/]*/[^/]*/).+$");

  private IngestRoutes() {}

  /**
   * The provider labels the metrics start at 0: every webhook provider, {@code api}, {@code
   * tracking} and {@code identify}.
   */
  public static List<String> providerLabels() {
    List<String> labels = new ArrayList<>(WebhookProviders.NAMES);
    labels.add(PaymentApiHandler.PROVIDER);
    labels.add(TrackingHandler.PROVIDER);
    labels.add(IdentifyHandler.PROVIDER);
    return labels;
  }

  /** Records which provider a request is for, so that a refusal is counted under it. */
  static void tagProvider(Context ctx, String provider) {
    ctx.attribute(PROVIDER_ATTRIBUTE, provider);
  }

  /** The request path as it may be logged: a Gumroad URL token is replaced by {@code ***}. */
  public static String loggablePath(String path) {
    return WEBHOOK_TOKEN.matcher(path).replaceFirst("$1***");
  }

  /**
   * Adds the POST routes, the tracker script, the tracker's CORS preflights and the error mapping
   * to {@code routes}.
   *
   * @param webhookProducer the webhook lane's producer: webhooks, Payment API, verified identify
   * @param trackingProducer the tracking lane's producer: pageviews, public identify
   * @param timers ends body reads at their deadline
   * @param completions the HTTP server's thread pool: where a read ended by its deadline is
   *     answered
   */
  public static void register(
      RoutesConfig routes,
      GatewayConfig config,
      KafkaPublisher webhookProducer,
      KafkaPublisher trackingProducer,
      GatewayMetrics metrics,
      Clock clock,
      ScheduledExecutorService timers,
      Executor completions) {
    SiteDirectory sites = new SiteDirectory(config.sites());
    Capacity capacity = config.capacity();
    BodyReading reading =
        new BodyReading(
            TimeUnit.SECONDS.toMillis(capacity.bodyTimeoutSeconds()),
            capacity.minBodyBytesPerSecond(),
            timers,
            completions,
            new AtomicLong(),
            BodyReading.defaultBudgetBytes(),
            System::nanoTime);
    RequestBody requestBody = new RequestBody(config.maxBodyBytes(), reading);
    Forwarder forwarder =
        new Forwarder(webhookProducer, trackingProducer, config.topics(), metrics, capacity);

    for (WebhookProvider provider :
        WebhookProvider.all(Duration.ofSeconds(config.signatureToleranceSeconds()))) {
      routes.post(
          provider.path(),
          new WebhookHandler(provider, sites, requestBody, forwarder, metrics, clock));
    }
    var payments = PaymentApiHandler.payments(sites, requestBody, forwarder, clock);
    routes.post("/api/v1/payments", payments);
    // the singular path of the setup guides merchants follow (their curl examples use it)
    routes.post("/api/v1/payment", payments);
    routes.post("/api/v1/refunds", PaymentApiHandler.refunds(sites, requestBody, forwarder, clock));
    // Only the public tracker routes are rate-limited. Webhooks are not: providers retry whatever
    // is refused, so a limit would only delay payments (and a burst after an outage is normal);
    // they are authenticated by signature, and a refusal costs one HMAC. The Payment API needs a
    // key, so its callers are known.
    TrackerCalls.Shared tracker =
        new TrackerCalls.Shared(
            sites,
            new RequestBody(config.trackerMaxBodyBytes(), reading),
            metrics,
            new RateLimiter(config.protection().trackingRate()),
            new ClientAddress(config.protection().trustedProxies()),
            forwarder);
    // The rate limit and the declared length are checked before the handler reads a byte of the
    // body: a flood of tracker calls costs a header parse each, not a body read.
    routes.before(TrackerCalls.EVENTS_PATH, TrackerCalls.admit(TrackingHandler.PROVIDER, tracker));
    routes.before(
        TrackerCalls.IDENTIFY_PATH, TrackerCalls.admit(IdentifyHandler.PROVIDER, tracker));
    routes.post(TrackerCalls.EVENTS_PATH, new TrackingHandler(tracker, forwarder, clock));
    routes.options(TrackerCalls.EVENTS_PATH, TrackerCalls.preflight(sites));
    routes.post(
        TrackerCalls.IDENTIFY_PATH,
        new IdentifyHandler(tracker, forwarder, clock, config.emailHashKey()));
    routes.options(TrackerCalls.IDENTIFY_PATH, TrackerCalls.preflight(sites));
    // the merchant's server, with the site's API key: evidence the job ranks above the tracker's
    routes.post(
        "/api/v1/identify/verified",
        new VerifiedIdentifyHandler(sites, requestBody, forwarder, clock, config.emailHashKey()));
    routes.get(TrackerScript.PATH, TrackerScript.load());

    routes.exception(
        ApiError.class,
        (error, ctx) -> {
          LOG.debug(
              "{} {} refused: {} {}",
              ctx.method(),
              loggablePath(ctx.path()),
              error.status(),
              error.code());
          metrics.rejected(provider(ctx), error.code());
          Responses.error(ctx, error);
        });
    routes.exception(
        PublishException.class,
        (error, ctx) -> {
          LOG.debug(
              "{} {} not stored: {}", ctx.method(), loggablePath(ctx.path()), error.getMessage());
          ApiError answer =
              error.recordTooLarge()
                  ? new ApiError(413, "payload_too_large", "the record is too large for Kafka")
                  : new ApiError(
                      503,
                      "kafka_unavailable",
                      "the event could not be stored; retry later",
                      Map.of(),
                      Map.of("Retry-After", RETRY_AFTER_SECONDS));
          metrics.rejected(provider(ctx), answer.code());
          Responses.error(ctx, answer);
        });
    routes.exception(
        HttpResponseException.class,
        (error, ctx) -> {
          String code = error.getStatus() == 404 ? "not_found" : "http_" + error.getStatus();
          metrics.rejected(provider(ctx), code);
          Responses.error(ctx, new ApiError(error.getStatus(), code, error.getMessage()));
        });
    routes.exception(
        Exception.class,
        (error, ctx) -> {
          // The exception, never the body: bodies may hold emails.
          LOG.error("{} {} failed", ctx.method(), loggablePath(ctx.path()), error);
          metrics.rejected(provider(ctx), "internal_error");
          Responses.error(ctx, new ApiError(500, "internal_error", "internal error"));
        });
  }

  private static String provider(Context ctx) {
    String provider = ctx.attribute(PROVIDER_ATTRIBUTE);
    return provider == null ? GatewayMetrics.NO_PROVIDER : provider;
  }
}
