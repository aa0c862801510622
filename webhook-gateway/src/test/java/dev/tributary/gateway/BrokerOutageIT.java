package dev.tributary.gateway;

import static dev.tributary.gateway.testing.GatewayClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.gateway.config.GatewayConfig;
import dev.tributary.gateway.config.SiteConfig;
import dev.tributary.gateway.testing.GatewayClient;
import dev.tributary.gateway.testing.KafkaTestCluster;
import dev.tributary.gateway.verify.StripeSignatureVerifier;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Without Kafka the gateway must say "retry later", never "accepted": whether the broker was never
 * there or disappears while the gateway runs.
 */
class BrokerOutageIT {

  private static final String SECRET = "whsec_outage";
  private static final String API_KEY = "outage-api-key-0123456789";
  private static final String PAYMENT =
      "{\"provider\":\"shopify\",\"providerPaymentId\":\"o1\",\"amount\":1,\"currency\":\"EUR\"}";
  private static final byte[] EVENT = "{\"id\":\"evt_outage\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void unreachableBrokerMeans503WithRetryAfterAndNotReady() throws Exception {
    try (GatewayApp gateway = GatewayApp.start(config(closedPort()))) {
      GatewayClient client = new GatewayClient(gateway.port());

      // Concurrently: each waits for the producer's max.block.ms.
      CompletableFuture<HttpResponse<String>> webhook =
          CompletableFuture.supplyAsync(() -> postStripe(client));
      CompletableFuture<HttpResponse<String>> payment =
          CompletableFuture.supplyAsync(
              () ->
                  client.post(
                      "/api/v1/payments",
                      "application/json",
                      PAYMENT.getBytes(StandardCharsets.UTF_8),
                      "Authorization",
                      "Bearer " + API_KEY));

      assertUnavailable(webhook.get());
      assertUnavailable(payment.get());
      assertThat(client.get("/readyz").statusCode()).isEqualTo(503);
      assertThat(client.get("/healthz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void brokerLostWhileRunningMeans503() throws Exception {
    try (KafkaTestCluster kafka =
            KafkaTestCluster.start("tributary.webhooks", "tributary.tracking");
        GatewayApp gateway = GatewayApp.start(config(kafka.bootstrapServers()))) {
      GatewayClient client = new GatewayClient(gateway.port());
      assertThat(postStripe(client).statusCode()).isEqualTo(200);

      kafka.close();

      // The producer knows the broker, buffers the record and times out waiting for its ack.
      assertUnavailable(postStripe(client));
      assertThat(client.get("/readyz").statusCode()).isEqualTo(503);
    }
  }

  private static void assertUnavailable(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(json(response).path("error").asText()).isEqualTo("kafka_unavailable");
  }

  private static HttpResponse<String> postStripe(GatewayClient client) {
    String signature =
        StripeSignatureVerifier.signatureHeader(SECRET, Instant.now().getEpochSecond(), EVENT);
    return client.post(
        "/webhooks/stripe/acme", "application/json", EVENT, "Stripe-Signature", signature);
  }

  private static GatewayConfig config(String bootstrapServers) {
    return new GatewayConfig(
        0,
        bootstrapServers,
        List.of(new SiteConfig("acme", List.of(SECRET), List.of(API_KEY), List.of())));
  }

  /** A port nothing listens on: bound once to get a free number, then released. */
  private static String closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "localhost:" + socket.getLocalPort();
    }
  }
}
