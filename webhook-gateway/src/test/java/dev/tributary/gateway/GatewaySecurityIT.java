package dev.tributary.gateway;

import static dev.tributary.gateway.testing.GatewayClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.gateway.config.GatewayConfig;
import dev.tributary.gateway.config.GatewayConfig.Mode;
import dev.tributary.gateway.config.GatewayConfig.Operations;
import dev.tributary.gateway.config.GatewayConfig.Protection;
import dev.tributary.gateway.config.GatewayConfig.RateLimit;
import dev.tributary.gateway.config.GatewayConfig.Topics;
import dev.tributary.gateway.config.SiteConfig;
import dev.tributary.gateway.net.TrustedProxies;
import dev.tributary.gateway.testing.GatewayClient;
import dev.tributary.gateway.testing.GatewayClient.RawResponse;
import dev.tributary.gateway.testing.KafkaTestCluster;
import dev.tributary.gateway.testing.KafkaTestCluster.Mark;
import dev.tributary.gateway.verify.HexHmacVerifier;
import dev.tributary.gateway.verify.PaddleSignatureVerifier;
import dev.tributary.gateway.verify.StandardWebhooksVerifier;
import dev.tributary.gateway.verify.StandardWebhooksVerifier.SecretEncoding;
import dev.tributary.gateway.verify.StripeSignatureVerifier;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The gateway's defences that are not about one provider: request-head limits, Jetty's header
 * cache, what reaches the logs, and the rate limit of the public tracking endpoints. One broker;
 * each group starts the gateway it needs.
 */
class GatewaySecurityIT {

  static final String WEBHOOKS = "tributary.webhooks";
  static final String TRACKING = "tributary.tracking";
  static final String STRIPE_SECRET = "whsec_security_stripe_S3cr3t";
  static final String API_KEY = "sec-api-key-Zq7Xw2Lk9Pm4-aR5tY8uE1oP3";
  static final ObjectMapper JSON = new ObjectMapper();

  static KafkaTestCluster kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = KafkaTestCluster.start(WEBHOOKS, TRACKING);
  }

  @AfterAll
  static void stopKafka() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  static GatewayApp start(Protection protection, SiteConfig... sites) {
    return GatewayApp.start(config(protection, sites));
  }

  static GatewayConfig config(Protection protection, SiteConfig... sites) {
    return new GatewayConfig(
        0,
        kafka.bootstrapServers(),
        GatewayConfig.DEFAULT_MAX_BODY_BYTES,
        300,
        List.of(sites),
        Topics.DEFAULT,
        protection);
  }

  static SiteConfig acme() {
    return new SiteConfig(
        "acme", List.of(STRIPE_SECRET), List.of(API_KEY), List.of("https://acme.example"));
  }

  static String stripeRequest(String path, String body, String... extraHeaders) {
    String signature =
        StripeSignatureVerifier.signatureHeader(
            STRIPE_SECRET, Instant.now().getEpochSecond(), body.getBytes(StandardCharsets.UTF_8));
    return request(
        path,
        body,
        concat(extraHeaders, "Content-Type: application/json", "Stripe-Signature: " + signature));
  }

  static String request(String path, String body, String... headers) {
    StringBuilder raw = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n");
    for (String header : headers) {
      raw.append(header).append("\r\n");
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return raw.append("Content-Length: ").append(bytes.length).append("\r\n\r\n") + body;
  }

  static String[] concat(String[] first, String... second) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(second));
    return all.toArray(String[]::new);
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static void assertJsonError(RawResponse response, int status, String code) throws Exception {
    assertThat(response.status()).as(response.head() + response.body()).isEqualTo(status);
    assertThat(response.head().toLowerCase(Locale.ROOT)).contains("content-type: application/json");
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("error").asText()).isEqualTo(code);
    assertThat(body.path("message").asText()).isNotBlank();
    assertThat(response.body().length()).isLessThan(200);
  }

  @Nested
  class RequestLimits {

    @Test
    void aRequestHeadOverTheLimitIs431JsonAndProducesNothing() throws Exception {
      try (GatewayApp gateway = start(Protection.DEFAULT, acme())) {
        GatewayClient client = new GatewayClient(gateway.port());
        Mark mark = kafka.mark(WEBHOOKS);
        String body = "{\"id\":\"evt_big_header\"}";

        // A validly signed webhook, but with 9 KB of headers (the default limit is 8 KiB).
        RawResponse tooBig =
            client
                .sendRaw(
                    ascii(
                        stripeRequest(
                            "/webhooks/stripe/acme", body, "X-Padding: " + "p".repeat(9_000))),
                    1)
                .get(0);
        // The same with the padding spread over many headers.
        String[] many = new String[300];
        for (int i = 0; i < many.length; i++) {
          many[i] = "X-Padding-" + i + ": " + "p".repeat(30);
        }
        RawResponse tooMany =
            client.sendRaw(ascii(stripeRequest("/webhooks/stripe/acme", body, many)), 1).get(0);
        // A URL over the limit (a Gumroad token is part of the URL).
        RawResponse longUrl =
            client
                .sendRaw(ascii(request("/webhooks/gumroad/acme/" + "t".repeat(9_000), "a=1")), 1)
                .get(0);

        assertJsonError(tooBig, 431, "header_too_large");
        assertJsonError(tooMany, 431, "header_too_large");
        assertThat(longUrl.status()).isIn(414, 431);
        assertThat(JSON.readTree(longUrl.body()).path("error").asText()).isNotBlank();
        assertThat(kafka.recordsAfter(mark, Duration.ofMillis(500))).isEmpty();

        // Under the limit the same request goes through.
        RawResponse fits =
            client
                .sendRaw(
                    ascii(
                        stripeRequest(
                            "/webhooks/stripe/acme", body, "X-Padding: " + "p".repeat(6_000))),
                    1)
                .get(0);
        assertThat(fits.status()).as(fits.body()).isEqualTo(200);
        assertThat(kafka.singleRecordAfter(mark).value()).contains("evt_big_header");
      }
    }

    @Test
    void theHeaderLimitIsConfigurable() throws Exception {
      try (GatewayApp gateway = start(Protection.DEFAULT.withMaxHeaderBytes(2048), acme())) {
        GatewayClient client = new GatewayClient(gateway.port());
        RawResponse response =
            client
                .sendRaw(
                    ascii(
                        stripeRequest(
                            "/webhooks/stripe/acme",
                            "{\"id\":\"evt_2k\"}",
                            "X-Padding: " + "p".repeat(2_500))),
                    1)
                .get(0);
        assertJsonError(response, 431, "header_too_large");
      }
    }

    @Test
    void malformedHttpIsRefusedAsJsonWithoutQuotingTheRequest() throws Exception {
      try (GatewayApp gateway = start(Protection.DEFAULT, acme())) {
        GatewayClient client = new GatewayClient(gateway.port());
        String twoLengths =
            "POST /webhooks/stripe/acme HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}";
        String badHeaderName =
            "POST /api/v1/payments HTTP/1.1\r\nHost: x\r\nBad Header "
                + API_KEY
                + ": x\r\nContent-Length: 2\r\n\r\n{}";

        for (String raw : List.of(twoLengths, badHeaderName)) {
          RawResponse response = client.sendRaw(ascii(raw), 1).get(0);
          assertJsonError(response, 400, "bad_request");
          assertThat(response.body()).doesNotContain(API_KEY);
          assertThat(response.head().toLowerCase(Locale.ROOT)).doesNotContain("server: jetty");
        }
      }
    }
  }

  @Nested
  class HeaderCache {

    /**
     * Jetty keeps header values seen on a connection and, by default, reuses them for a later
     * header that matches ignoring case. Then an API key differing from the real one only in case
     * was replaced by the real one (accepted), and the real one after a variant was replaced by the
     * variant (refused).
     */
    @Test
    void secretsInHeadersAreComparedAsSentOnAKeptAliveConnection() throws Exception {
      try (GatewayApp gateway = start(Protection.DEFAULT, acme())) {
        GatewayClient client = new GatewayClient(gateway.port());
        Mark mark = kafka.mark(WEBHOOKS);
        String variant = API_KEY.toUpperCase(Locale.ROOT);
        String payment =
            "{\"provider\":\"shop\",\"providerPaymentId\":\"p_%s\",\"amount\":\"1.00\","
                + "\"currency\":\"EUR\"}";

        List<RawResponse> answers =
            client.sendRaw(
                ascii(
                    paymentRequest(API_KEY, payment.formatted(1))
                        + paymentRequest(variant, payment.formatted(2))
                        + paymentRequest(variant.toLowerCase(Locale.ROOT), payment.formatted(3))
                        + paymentRequest(API_KEY, payment.formatted(4))),
                4);

        assertThat(answers).extracting(RawResponse::status).containsExactly(202, 401, 401, 202);
        List<String> stored =
            kafka.recordsAfter(mark, 2, Duration.ofSeconds(5)).stream()
                .map(r -> r.value())
                .toList();
        assertThat(stored).hasSize(2);
        assertThat(stored.get(0)).contains("p_1");
        assertThat(stored.get(1)).contains("p_4");
      }
    }

    private String paymentRequest(String key, String body) {
      return request(
          "/api/v1/payments",
          body,
          "Content-Type: application/json",
          "Authorization: Bearer " + key);
    }
  }

  @Nested
  class Logs {

    static final String LEMON_SECRET = "lemon-Secr3t-ls-9f8e7d";
    static final String PADDLE_SECRET = "pdl_ntfset_01hSecretPaddle";
    static final String RAZORPAY_SECRET = "rzp-Secret-77aa66bb";
    static final String DODO_SECRET =
        "whsec_" + Base64.getEncoder().encodeToString(ascii("dodo-secret-key-bytes-123"));
    static final String POLAR_SECRET = "polar_whs_SecretPolar42";
    static final String GUMROAD_TOKEN = "GumroadSecretToken_5k2j4h";
    static final String SECOND_API_KEY = "second-api-key-Hh3Jj4Kk5-Ww6Ee2Rr9Tt1";
    static final List<String> EMAILS =
        List.of("Zoe.Secret@Example.com", "buyer.private@example.org", "ada+lovelace@example.net");

    /**
     * Every level of the gateway's own loggers and of Javalin, through a run with real secrets,
     * keys and emails, accepted and refused: none of them may appear in any log line or stack
     * trace, and nothing per request is logged above DEBUG.
     */
    @Test
    void noSecretApiKeyOrEmailIsLoggedAtAnyLevel() throws Exception {
      List<String> secrets =
          List.of(
              STRIPE_SECRET,
              LEMON_SECRET,
              PADDLE_SECRET,
              RAZORPAY_SECRET,
              DODO_SECRET,
              DODO_SECRET.substring("whsec_".length()),
              POLAR_SECRET,
              GUMROAD_TOKEN,
              API_KEY,
              SECOND_API_KEY);
      SiteConfig site =
          new SiteConfig(
              "acme",
              List.of(STRIPE_SECRET),
              List.of(API_KEY, SECOND_API_KEY),
              List.of("https://acme.example"),
              Map.of(
                  "lemonsqueezy", List.of(LEMON_SECRET),
                  "paddle", List.of(PADDLE_SECRET),
                  "razorpay", List.of(RAZORPAY_SECRET),
                  "dodo", List.of(DODO_SECRET),
                  "polar", List.of(POLAR_SECRET),
                  "gumroad", List.of(GUMROAD_TOKEN)));

      List<LogLine> lines;
      int requestsFrom;
      int requestsTo;
      try (LogCapture capture = LogCapture.everything()) {
        try (GatewayApp gateway = start(Protection.DEFAULT, site)) {
          GatewayClient client = new GatewayClient(gateway.port());
          requestsFrom = capture.lines().size();
          exercise(client);
          requestsTo = capture.lines().size();
        }
        lines = capture.lines();
      }

      String all = String.join("\n", lines.stream().map(LogLine::text).toList());
      // The capture works and saw the per-request DEBUG lines.
      assertThat(lines.stream().filter(l -> l.logger().startsWith("dev.tributary")))
          .anySatisfy(l -> assertThat(l.text()).contains("refused: 401"))
          .anySatisfy(l -> assertThat(l.text()).contains("POST /api/v1/identify -> 202"))
          .anySatisfy(l -> assertThat(l.text()).contains("POST /webhooks/gumroad/acme/*** -> 200"));
      for (String secret : secrets) {
        assertThat(all).as("a secret or key in the logs").doesNotContain(secret);
      }
      for (String email : EMAILS) {
        assertThat(all.toLowerCase(Locale.ROOT))
            .as("an email in the logs")
            .doesNotContain(email.toLowerCase(Locale.ROOT))
            .doesNotContain(email.substring(0, email.indexOf('@')).toLowerCase(Locale.ROOT));
      }
      List<LogLine> perRequest =
          lines.subList(requestsFrom, requestsTo).stream()
              .filter(l -> l.logger().startsWith("dev.tributary"))
              .filter(l -> l.level().isMoreSpecificThan(Level.INFO))
              .toList();
      assertThat(perRequest).as("per-request lines above DEBUG").isEmpty();
    }

    /**
     * In production a site without allowedOrigins is one WARN line at start naming the site; in
     * development none. Neither names a secret or a key.
     */
    @Test
    void startWarningsNameTheSiteAndNoSecret() {
      SiteConfig open =
          new SiteConfig("open-shop", List.of(STRIPE_SECRET), List.of(API_KEY), List.of());
      List<LogLine> production;
      List<LogLine> development;
      try (LogCapture capture = LogCapture.everything()) {
        try (GatewayApp gateway =
            GatewayApp.start(
                config(Protection.DEFAULT, open, acme2())
                    .withEmailHashKey(
                        new GatewayConfig.EmailHashKey(
                            "a-deployment-key-of-32-characters-or-more")))) {
          production = capture.lines();
        }
        int from = capture.lines().size();
        try (GatewayApp gateway =
            GatewayApp.start(config(Protection.DEFAULT, open).withMode(Mode.DEVELOPMENT))) {
          development = capture.lines().subList(from, capture.lines().size());
        }
      }

      assertThat(warnings(production))
          .singleElement()
          .satisfies(
              line ->
                  assertThat(line.text())
                      .contains("site 'open-shop' has no allowedOrigins")
                      .contains("TRIBUTARY_MODE=development"));
      assertThat(warnings(development)).isEmpty();
      String all =
          String.join("\n", production.stream().map(LogLine::text).toList())
              + String.join("\n", development.stream().map(LogLine::text).toList());
      assertThat(all).doesNotContain(STRIPE_SECRET).doesNotContain(API_KEY);
    }

    /** A site with origins and credentials of its own (no warning). */
    private SiteConfig acme2() {
      return new SiteConfig(
          "acme2",
          List.of(STRIPE_SECRET + "_2"),
          List.of(SECOND_API_KEY),
          List.of("https://acme2.example"));
    }

    private List<LogLine> warnings(List<LogLine> lines) {
      return lines.stream()
          .filter(l -> l.logger().startsWith("dev.tributary"))
          .filter(l -> l.level().isMoreSpecificThan(Level.WARN))
          .toList();
    }

    /** Requests of every kind, accepted and refused, carrying the secrets and emails. */
    private void exercise(GatewayClient client) {
      long now = Instant.now().getEpochSecond();
      byte[] event = ascii("{\"id\":\"evt_logs\",\"customer_email\":\"" + EMAILS.get(0) + "\"}");
      // Stripe: valid, wrong secret, expired.
      client.post(
          "/webhooks/stripe/acme",
          "application/json",
          event,
          "Stripe-Signature",
          StripeSignatureVerifier.signatureHeader(STRIPE_SECRET, now, event));
      client.post(
          "/webhooks/stripe/acme",
          "application/json",
          event,
          "Stripe-Signature",
          StripeSignatureVerifier.signatureHeader(STRIPE_SECRET + "x", now, event));
      client.post(
          "/webhooks/stripe/acme",
          "application/json",
          event,
          "Stripe-Signature",
          StripeSignatureVerifier.signatureHeader(STRIPE_SECRET, now - 3600, event));
      // The other schemes.
      client.post(
          "/webhooks/lemonsqueezy/acme",
          "application/json",
          event,
          "X-Signature",
          HexHmacVerifier.signature(LEMON_SECRET, event));
      client.post(
          "/webhooks/paddle/acme",
          "application/json",
          event,
          "Paddle-Signature",
          PaddleSignatureVerifier.signatureHeader(PADDLE_SECRET, now, event));
      client.post(
          "/webhooks/razorpay/acme",
          "application/json",
          event,
          "X-Razorpay-Signature",
          HexHmacVerifier.signature(RAZORPAY_SECRET, event));
      for (String provider : List.of("dodo", "polar")) {
        String secret = provider.equals("dodo") ? DODO_SECRET : POLAR_SECRET;
        SecretEncoding encoding =
            provider.equals("dodo") ? SecretEncoding.BASE64_AFTER_WHSEC : SecretEncoding.RAW_UTF8;
        client.post(
            "/webhooks/" + provider + "/acme",
            "application/json",
            event,
            "webhook-id",
            "msg_" + provider,
            "webhook-timestamp",
            Long.toString(now),
            "webhook-signature",
            StandardWebhooksVerifier.signatureHeader(
                encoding, secret, "msg_" + provider, now, event));
      }
      byte[] ping = ascii("sale_id=s1&email=" + EMAILS.get(1).replace("@", "%40"));
      client.post(
          "/webhooks/gumroad/acme/" + GUMROAD_TOKEN, "application/x-www-form-urlencoded", ping);
      client.post(
          "/webhooks/gumroad/acme/" + GUMROAD_TOKEN + "x",
          "application/x-www-form-urlencoded",
          ping);
      // Payment API: accepted, wrong key, duplicated key, invalid email field.
      byte[] payment =
          ascii(
              "{\"provider\":\"shop\",\"providerPaymentId\":\"o1\",\"amount\":\"9.99\","
                  + "\"currency\":\"EUR\",\"customerEmail\":\""
                  + EMAILS.get(2)
                  + "\"}");
      client.post(
          "/api/v1/payments", "application/json", payment, "Authorization", "Bearer " + API_KEY);
      client.post(
          "/api/v1/payments",
          "application/json",
          payment,
          "Authorization",
          "Bearer " + SECOND_API_KEY + "0");
      client.post(
          "/api/v1/payments",
          "application/json",
          payment,
          "Authorization",
          "Bearer " + API_KEY,
          "Authorization",
          "Bearer " + SECOND_API_KEY);
      client.post(
          "/api/v1/payments",
          "application/json",
          ascii(new String(payment, StandardCharsets.UTF_8).replace("9.99", "nine")),
          "Authorization",
          "Bearer " + SECOND_API_KEY);
      // Identify: accepted, invalid (the email is refused, not quoted), malformed JSON with it.
      for (String email : EMAILS) {
        client.post(
            "/api/v1/identify",
            "application/json",
            ascii("{\"siteId\":\"acme\",\"visitorId\":\"v_logs\",\"email\":\" " + email + " \"}"),
            "Origin",
            "https://acme.example");
      }
      client.post(
          "/api/v1/identify",
          "application/json",
          ascii(
              "{\"siteId\":\"acme\",\"visitorId\":\"v logs\",\"email\":\""
                  + EMAILS.get(0)
                  + "\"}"));
      client.post(
          "/api/v1/identify",
          "application/json",
          ascii("{\"siteId\":\"acme\",\"email\":\"" + EMAILS.get(1) + "\""));
      client.post(
          "/api/v1/identify",
          "application/json",
          ascii("{\"siteId\":\"acme\",\"visitorId\":\"v\",\"email\":\"" + EMAILS.get(2) + "\"}"),
          "Origin",
          "https://evil.example");
      // A pageview whose URL carries an email, as some sites' do: forwarded, never logged.
      client.post(
          "/api/v1/events",
          "text/plain",
          ascii(
              "{\"siteId\":\"acme\",\"visitorId\":\"v_logs\",\"sessionId\":\"s\",\"url\":"
                  + "\"https://acme.example/welcome?email="
                  + EMAILS.get(0)
                  + "\"}"));
    }
  }

  /** One captured log event, rendered with its stack trace. */
  record LogLine(Level level, String logger, String text) {}

  /**
   * Captures every log event of the test JVM, with the gateway's loggers and Javalin at ALL; the
   * logging configuration is reloaded from its file when closed. (Jetty and Kafka stay at their
   * configured levels: Jetty's DEBUG dumps raw requests, headers included, by design.)
   */
  static final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final List<LogLine> lines = new ArrayList<>();
    private final LoggerContext context;

    private LogCapture(LoggerContext context) {
      super("capture", null, null, true, Property.EMPTY_ARRAY);
      this.context = context;
    }

    static LogCapture everything() {
      LoggerContext context = (LoggerContext) LogManager.getContext(false);
      LogCapture capture = new LogCapture(context);
      capture.start();
      Configuration configuration = context.getConfiguration();
      configuration.addAppender(capture);
      configuration.getRootLogger().addAppender(capture, Level.ALL, null);
      Configurator.setLevel("dev.tributary", Level.ALL);
      Configurator.setLevel("io.javalin", Level.ALL);
      Configurator.setLevel("org.apache.kafka.clients.producer", Level.INFO);
      context.updateLoggers();
      return capture;
    }

    @Override
    public void append(LogEvent event) {
      StringBuilder text =
          new StringBuilder(event.getLevel() + " " + event.getLoggerName() + " - ")
              .append(event.getMessage().getFormattedMessage());
      if (event.getThrown() != null) {
        StringWriter trace = new StringWriter();
        event.getThrown().printStackTrace(new PrintWriter(trace));
        text.append('\n').append(trace);
      }
      synchronized (lines) {
        lines.add(new LogLine(event.getLevel(), event.getLoggerName(), text.toString()));
      }
    }

    List<LogLine> lines() {
      synchronized (lines) {
        return List.copyOf(lines);
      }
    }

    @Override
    public void close() {
      context.getConfiguration().getRootLogger().removeAppender(getName());
      stop();
      context.reconfigure();
    }
  }

  @Nested
  class OperationsListener {

    /** Bound where configured: on 127.0.0.1 it cannot be reached through ::1, and the reverse. */
    @Test
    void listensOnTheConfiguredAddressOnly() throws Exception {
      for (String[] bind :
          List.of(new String[] {"127.0.0.1", "::1"}, new String[] {"::1", "127.0.0.1"})) {
        GatewayConfig config =
            config(Protection.DEFAULT, acme()).withOperations(new Operations(bind[0], 0));
        try (GatewayApp gateway = GatewayApp.start(config)) {
          assertThat(new GatewayClient(bind[0], gateway.opsPort()).get("/healthz").statusCode())
              .as(bind[0])
              .isEqualTo(200);
          assertThatThrownBy(() -> new GatewayClient(bind[1], gateway.opsPort()).get("/healthz"))
              .as("%s through %s", bind[0], bind[1])
              .isInstanceOf(UncheckedIOException.class)
              .hasCauseInstanceOf(ConnectException.class);
          // The public port listens everywhere, and serves no operations endpoint.
          assertThat(new GatewayClient(bind[1], gateway.port()).get("/metrics").statusCode())
              .isEqualTo(404);
        }
      }
    }

    @Test
    void anOperationsPortInUseStopsTheStart() throws Exception {
      try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        GatewayConfig config =
            config(Protection.DEFAULT, acme())
                .withOperations(new Operations("127.0.0.1", taken.getLocalPort()));
        assertThatThrownBy(() -> GatewayApp.start(config)).isInstanceOf(RuntimeException.class);
      }
    }

    /** Unknown paths there are short JSON too, and the request head limit applies. */
    @Test
    void answersOnlyItsThreeRoutes() throws Exception {
      try (GatewayApp gateway = start(Protection.DEFAULT.withMaxHeaderBytes(2048), acme())) {
        GatewayClient ops = new GatewayClient(gateway.opsPort());
        HttpResponse<String> unknown = ops.get("/api/v1/events");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).path("error").asText()).isEqualTo("not_found");
        RawResponse big =
            ops.sendRaw(
                    ascii(
                        "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Padding: "
                            + "p".repeat(3000)
                            + "\r\n\r\n"),
                    1)
                .get(0);
        assertJsonError(big, 431, "header_too_large");
        assertThat(ops.get("/metrics").headers().firstValue("Server")).isEmpty();
      }
    }
  }

  @Nested
  class RateLimits {

    static final String PAGEVIEW =
        "{\"siteId\":\"%s\",\"visitorId\":\"v_%d\",\"sessionId\":\"s_1\",\"url\":\"https://x/\"}";

    int serial;

    HttpResponse<String> pageview(GatewayClient client, String site, String... headers) {
      return client.post(
          "/api/v1/events", "text/plain", ascii(PAGEVIEW.formatted(site, ++serial)), headers);
    }

    int status(GatewayClient client, String forwardedFor) {
      return pageview(client, "acme", "X-Forwarded-For", forwardedFor).statusCode();
    }

    @Test
    void trackerCallsOverTheLimitAre429WithRetryAfterAndCounted() throws Exception {
      SiteConfig other = new SiteConfig("other", List.of(), List.of(), List.of());
      try (GatewayApp gateway =
          start(Protection.DEFAULT.withTrackingRate(new RateLimit(2, 5)), acme(), other)) {
        GatewayClient client = new GatewayClient("127.0.0.1", gateway.port());
        GatewayClient otherClient = new GatewayClient("::1", gateway.port());
        // Another address's bucket is its own; this call also lets the producer learn the topic,
        // so that the calls below follow each other within milliseconds.
        assertThat(pageview(otherClient, "other").statusCode()).isEqualTo(202);
        Mark mark = kafka.mark(TRACKING);

        List<HttpResponse<String>> burst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          burst.add(pageview(client, "acme", "Origin", "https://acme.example"));
        }
        HttpResponse<String> limited = pageview(client, "acme", "Origin", "https://acme.example");
        // Identify calls and other sites share the bucket of the address: it is taken before the
        // body (which names the site) is read.
        HttpResponse<String> identify =
            client.post(
                "/api/v1/identify",
                "application/json",
                ascii("{\"siteId\":\"acme\",\"visitorId\":\"v_1\",\"email\":\"a@b.example\"}"));
        HttpResponse<String> sameAddressOtherSite = pageview(client, "other");
        HttpResponse<String> otherAddress = pageview(otherClient, "acme");
        // Webhooks are never rate-limited: providers retry what is refused.
        List<Integer> webhooks = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          byte[] body = ascii("{\"id\":\"evt_rate_" + i + "\"}");
          webhooks.add(
              client
                  .post(
                      "/webhooks/stripe/acme",
                      "application/json",
                      body,
                      "Stripe-Signature",
                      StripeSignatureVerifier.signatureHeader(
                          STRIPE_SECRET, Instant.now().getEpochSecond(), body))
                  .statusCode());
        }

        assertThat(burst).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(202));
        for (HttpResponse<String> refused : List.of(limited, identify, sameAddressOtherSite)) {
          assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
          assertThat(json(refused).path("error").asText()).isEqualTo("rate_limited");
          assertThat(json(refused).path("message").asText()).isNotBlank();
          assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        }
        // The browser may read the answer: CORS as for an accepted call.
        assertThat(limited.headers().firstValue("Access-Control-Allow-Origin"))
            .hasValue("https://acme.example");
        assertThat(otherAddress.statusCode()).isEqualTo(202);
        assertThat(webhooks).containsOnly(200);
        assertThat(new GatewayClient(gateway.opsPort()).get("/metrics").body())
            .contains(
                "tributary_gateway_rejected_total{provider=\"tracking\",reason=\"rate_limited\"} 2")
            .contains(
                "tributary_gateway_rejected_total{provider=\"identify\",reason=\"rate_limited\"} 1");
        // Only the accepted calls were produced.
        assertThat(kafka.recordsAfter(mark, 6, Duration.ofSeconds(5))).hasSize(6);

        // After Retry-After there is a token again.
        Thread.sleep(1_000);
        assertThat(pageview(client, "acme").statusCode()).isEqualTo(202);
      }
    }

    /**
     * The bucket is taken before a byte of the body is read: over the limit, a request that only
     * declares a 10 MB body (and never sends it) is answered 429 at once, and a malformed body is
     * 429, not 400. Nothing is produced.
     */
    @Test
    void theRateLimitIsCheckedBeforeTheBody() throws Exception {
      try (GatewayApp gateway =
          start(Protection.DEFAULT.withTrackingRate(new RateLimit(1, 1)), acme())) {
        GatewayClient client = new GatewayClient("127.0.0.1", gateway.port());
        assertThat(pageview(new GatewayClient("::1", gateway.port()), "acme").statusCode())
            .isEqualTo(202); // warms the producer, from another address
        Mark mark = kafka.mark(TRACKING);
        assertThat(pageview(client, "acme").statusCode()).isEqualTo(202);

        RawResponse declared =
            client.postDeclaringLength("/api/v1/events", "text/plain", 10_000_000);
        HttpResponse<String> garbage =
            client.post("/api/v1/identify", "application/json", ascii("not json at all"));

        assertJsonError(declared, 429, "rate_limited");
        assertThat(declared.head()).contains("Retry-After: 1");
        assertThat(garbage.statusCode()).as(garbage.body()).isEqualTo(429);
        assertThat(kafka.recordsAfter(mark, 1, Duration.ofSeconds(5))).hasSize(1);
      }
    }

    /**
     * Tracker routes take small bodies (16 KiB by default): a larger one is refused from its
     * declared length before it is sent, or after 16 KiB + 1 bytes when streamed. Webhooks keep the
     * general limit.
     */
    @Test
    void trackerBodiesHaveTheirOwnSmallLimit() throws Exception {
      try (GatewayApp gateway = start(Protection.DEFAULT.withTrackingRate(RateLimit.OFF), acme())) {
        GatewayClient client = new GatewayClient(gateway.port());
        int limit = Protection.DEFAULT_TRACKER_MAX_BODY_BYTES;

        for (String path : List.of("/api/v1/events", "/api/v1/identify")) {
          RawResponse declared = client.postDeclaringLength(path, "text/plain", limit + 1);
          assertJsonError(declared, 413, "payload_too_large");
          assertThat(JSON.readTree(declared.body()).path("message").asText())
              .isEqualTo("the body is larger than 16384 bytes");
          byte[] streamed = new byte[limit + 1];
          Arrays.fill(streamed, (byte) ' ');
          HttpResponse<String> chunked = client.postChunked(path, "text/plain", streamed);
          assertThat(chunked.statusCode()).isEqualTo(413);
          assertThat(json(chunked).path("error").asText()).isEqualTo("payload_too_large");
        }
        // At the limit the body is read and judged on its content.
        byte[] atLimit = new byte[limit];
        Arrays.fill(atLimit, (byte) ' ');
        atLimit[0] = '{';
        atLimit[limit - 1] = '}';
        HttpResponse<String> read = client.postChunked("/api/v1/events", "text/plain", atLimit);
        assertThat(json(read).path("error").asText()).isEqualTo("invalid_request");
        // A webhook of 20 KiB is fine: the tracker limit is the tracker's.
        String padding = "x".repeat(20 * 1024);
        RawResponse webhook =
            client
                .sendRaw(
                    ascii(
                        stripeRequest(
                            "/webhooks/stripe/acme",
                            "{\"id\":\"evt_big_body\",\"pad\":\"" + padding + "\"}")),
                    1)
                .get(0);
        assertThat(webhook.status()).as(webhook.body()).isEqualTo(200);
      }
    }

    @Test
    void forwardedForIsIgnoredWithoutTrustedProxies() throws Exception {
      try (GatewayApp direct =
          start(Protection.DEFAULT.withTrackingRate(new RateLimit(1, 1)), acme())) {
        // Directly reachable: a made-up X-Forwarded-For does not buy a new bucket.
        GatewayClient client = new GatewayClient("127.0.0.1", direct.port());
        assertThat(pageview(new GatewayClient("::1", direct.port()), "acme").statusCode())
            .isEqualTo(202); // warms the producer
        assertThat(status(client, "10.0.0.1")).isEqualTo(202);
        assertThat(status(client, "10.0.0.2")).isEqualTo(429);
      }
    }

    /**
     * Behind trusted proxies the client is the first address from the right that is not a trusted
     * proxy; entries left of it, written by the client, never count; garbage stops the walk at the
     * nearest trusted hop; an IPv6 client is its /64. A peer outside the trusted networks is the
     * client whatever it sends.
     */
    @Test
    void forwardedForIsBelievedOnlyFromTrustedProxies() throws Exception {
      Protection protection =
          Protection.DEFAULT
              .withTrackingRate(new RateLimit(1, 1))
              .withTrustedProxies(TrustedProxies.parse("127.0.0.1/32, 10.0.0.0/8"));
      try (GatewayApp gateway = start(protection, acme())) {
        GatewayClient proxy = new GatewayClient("127.0.0.1", gateway.port());
        GatewayClient stranger = new GatewayClient("::1", gateway.port());
        assertThat(status(proxy, "192.0.2.200")).isEqualTo(202); // warms the producer

        // The address the proxy appended is the client; one bucket each.
        assertThat(status(proxy, "203.0.113.1")).isEqualTo(202);
        assertThat(status(proxy, "203.0.113.1")).isEqualTo(429);
        assertThat(status(proxy, "203.0.113.2")).isEqualTo(202);
        // What the client wrote before it changes nothing.
        assertThat(status(proxy, "198.51.100.9, 203.0.113.2")).isEqualTo(429);
        assertThat(status(proxy, "198.51.100.10,203.0.113.1")).isEqualTo(429);
        // A chain of trusted proxies is walked through; a port or an IPv4-mapped form is the same
        // client.
        assertThat(status(proxy, "203.0.113.3, 10.1.2.3, 127.0.0.1")).isEqualTo(202);
        assertThat(status(proxy, "203.0.113.3:5123")).isEqualTo(429);
        assertThat(status(proxy, "::ffff:203.0.113.3")).isEqualTo(429);
        // An entry that is not an address stops the walk at the nearest trusted hop (the peer).
        assertThat(status(proxy, "not-an-address")).isEqualTo(202);
        assertThat(status(proxy, "unknown")).isEqualTo(429);
        assertThat(status(proxy, "203.0.113.4, 999.1.1.1")).isEqualTo(429);
        assertThat(status(proxy, "203.0.113.5, _hidden, 10.0.0.7")).isEqualTo(202);
        assertThat(status(proxy, "10.0.0.7")).isEqualTo(429);
        // IPv6 clients: one bucket per /64.
        assertThat(status(proxy, "2001:db8:1:2::1")).isEqualTo(202);
        assertThat(status(proxy, "2001:db8:1:2:ffff:ffff:ffff:fffe")).isEqualTo(429);
        assertThat(status(proxy, "[2001:db8:1:2::77]:443")).isEqualTo(429);
        assertThat(status(proxy, "2001:db8:1:3::1")).isEqualTo(202);

        // Not from a trusted proxy: the header is ignored, the peer (::1) is the client.
        assertThat(status(stranger, "192.0.2.50")).isEqualTo(202);
        assertThat(status(stranger, "192.0.2.51")).isEqualTo(429);
        assertThat(status(stranger, "203.0.113.9, 127.0.0.1")).isEqualTo(429);
      }
    }
  }
}
