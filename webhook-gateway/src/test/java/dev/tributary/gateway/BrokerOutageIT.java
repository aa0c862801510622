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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Without Kafka the gateway must say "retry later", never "accepted": whether the broker was never
 * there or disappears while the gateway runs.
 */
class BrokerOutageIT {

  private static final String SECRET = "whsec_outage";
  private static final String API_KEY = "outage-api-key-0123456789-Q7w9Zk2Lp4Xr8Tn6Vb3Mh5J";
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
      GatewayClient ops = new GatewayClient(gateway.opsPort());
      assertThat(ops.get("/readyz").statusCode()).isEqualTo(503);
      assertThat(ops.get("/healthz").statusCode()).isEqualTo(200);
    }
  }

  /**
   * Probes while Kafka is away never wait for it: each readiness check takes its whole 2 s timeout
   * then, and the probes used to queue behind it on a lock (one thread per probe, each held for up
   * to 2.5 s). Now 64 concurrent probes, sent while a check is in flight, are all answered from the
   * last result at once, and liveness too.
   */
  @Test
  void probesWhileKafkaIsDownAreAnsweredAtOnce() throws Exception {
    try (GatewayApp gateway = GatewayApp.start(config(closedPort()))) {
      GatewayClient ops = new GatewayClient(gateway.opsPort());
      // Wait for the first (failed) check, so that the answer is "unreachable", not "unknown".
      HttpResponse<String> first = ops.get("/readyz");
      for (int i = 0; i < 100 && !first.body().contains("kafka_unavailable"); i++) {
        Thread.sleep(100);
        first = ops.get("/readyz");
      }
      assertThat(first.statusCode()).isEqualTo(503);
      assertThat(json(first).path("error").asText()).isEqualTo("kafka_unavailable");

      ExecutorService pool = Executors.newFixedThreadPool(64);
      try {
        // Three rounds, 64 probes each, spread over more than one check (2 s + 2 s pause).
        for (int round = 0; round < 3; round++) {
          List<Future<long[]>> probes = new ArrayList<>();
          for (int i = 0; i < 64; i++) {
            String path = i % 8 == 0 ? "/healthz" : "/readyz";
            probes.add(
                pool.submit(
                    () -> {
                      long start = System.nanoTime();
                      int status = ops.get(path).statusCode();
                      return new long[] {status, (System.nanoTime() - start) / 1_000_000};
                    }));
          }
          for (int i = 0; i < probes.size(); i++) {
            long[] answer = probes.get(i).get(10, TimeUnit.SECONDS);
            assertThat(answer[0]).isEqualTo(i % 8 == 0 ? 200 : 503);
            // A check takes 2 s here; an answer that waited for one would take that long.
            assertThat(answer[1]).as("milliseconds to answer a probe").isLessThan(1_500);
          }
          Thread.sleep(1_500);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void readinessFollowsTheBroker() throws Exception {
    try (KafkaTestCluster kafka =
            KafkaTestCluster.start("tributary.webhooks", "tributary.tracking");
        GatewayApp gateway = GatewayApp.start(config(kafka.bootstrapServers()))) {
      GatewayClient ops = new GatewayClient(gateway.opsPort());
      assertThat(eventually(ops, 200).statusCode()).isEqualTo(200);

      kafka.close();

      // Within one pause and one check (2 s + 2.5 s) of the loss, and some slack.
      long start = System.nanoTime();
      HttpResponse<String> down = eventually(ops, 503);
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(8_000);
    }
  }

  private static HttpResponse<String> eventually(GatewayClient ops, int status)
      throws InterruptedException {
    HttpResponse<String> response = ops.get("/readyz");
    for (int i = 0; i < 150 && response.statusCode() != status; i++) {
      Thread.sleep(100);
      response = ops.get("/readyz");
    }
    return response;
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
      assertThat(eventually(new GatewayClient(gateway.opsPort()), 503).statusCode()).isEqualTo(503);
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
