package dev.tributary.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.gateway.config.GatewayConfig;
import dev.tributary.gateway.config.SiteConfig;
import dev.tributary.gateway.testing.GatewayClient;
import dev.tributary.gateway.testing.KafkaTestCluster;
import dev.tributary.gateway.testing.RestartableKafka;
import dev.tributary.gateway.verify.StripeSignatureVerifier;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away while the gateway runs and comes back on the same port and log directory.
 * Meanwhile every signed webhook and Payment API call is answered 503 with {@code Retry-After}
 * within a bounded time; afterwards the same gateway process accepts again by itself; and every
 * request that was ever answered 2xx — before, during the restart, after — is in the topic byte for
 * byte. Requests answered 503 are retried at the end, as providers do, so nothing is missing.
 */
class BrokerRestartIT {

  private static final String WEBHOOKS = "tributary.webhooks";
  private static final String TRACKING = "tributary.tracking";
  private static final String SECRET = "whsec_restart_secret";
  private static final String API_KEY = "restart-api-key-0123456789-Q7w9Zk2Lp4Xr8Tn6Vb3Mh5J";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The producer's max.block (5 s) plus its delivery timeout (10 s), plus a margin. */
  private static final Duration OUTAGE_ANSWER_BOUND = Duration.ofSeconds(16);

  /** From the broker being reachable again to the first request accepted. */
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(20);

  @TempDir Path logDir;

  /** One request as a provider would send it, identified by its delivery id. */
  private record Delivery(String id, String path, byte[] body, boolean api) {}

  /** What the gateway answered and how long it took. */
  private record Answer(Delivery delivery, HttpResponse<String> response, Duration took) {
    boolean accepted() {
      return response.statusCode() / 100 == 2;
    }
  }

  private final ExecutorService pool = Executors.newFixedThreadPool(8);
  private GatewayClient client;

  /** The operations port: /readyz, /healthz. */
  private GatewayClient ops;

  private int sequence;

  @Test
  void answers503WhileTheBrokerIsDownRecoversAloneAndLosesNothingAcknowledged() throws Exception {
    try (RestartableKafka kafka = RestartableKafka.start(logDir, WEBHOOKS, TRACKING);
        GatewayApp gateway = GatewayApp.start(config(kafka.bootstrapServers()))) {
      client = new GatewayClient(gateway.port());
      ops = new GatewayClient(gateway.opsPort());
      List<Answer> answers = new ArrayList<>();

      // Before: all accepted.
      List<Answer> before = sendAll(deliveries("before", 24));
      assertThat(before).allSatisfy(a -> assertThat(a.accepted()).as(describe(a)).isTrue());
      answers.addAll(before);

      // Down: every request is refused with 503 + Retry-After within the bound, none hangs.
      kafka.stop();
      List<Answer> down = sendAll(deliveries("down", 8));
      for (Answer answer : down) {
        assertThat(answer.response().statusCode()).as(describe(answer)).isEqualTo(503);
        assertThat(answer.response().headers().firstValue("Retry-After")).hasValue("5");
        JsonNode error = JSON.readTree(answer.response().body());
        assertThat(error.path("error").asText()).isEqualTo("kafka_unavailable");
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(answer.response().body().length()).isLessThan(200);
        assertThat(answer.took()).isLessThan(OUTAGE_ANSWER_BOUND);
      }
      // Readiness follows from a background check, at most one pause and one check behind.
      long notReadyBy = System.nanoTime() + Duration.ofSeconds(8).toNanos();
      while (ops.get("/readyz").statusCode() != 503) {
        assertThat(System.nanoTime())
            .as("not ready while the broker is down")
            .isLessThan(notReadyBy);
        sleep(100);
      }
      assertThat(ops.get("/healthz").statusCode()).isEqualTo(200);
      answers.addAll(down);

      // Restart while requests wait for their ack: they may be accepted or refused, but whatever
      // is accepted must be in the topic.
      List<CompletableFuture<Answer>> straddling = sendAsync(deliveries("restart", 8));
      Thread.sleep(1_000);
      kafka.restart();
      long reachable = System.nanoTime();
      int straddlingAccepted = 0;
      for (CompletableFuture<Answer> future : straddling) {
        Answer answer = future.get();
        answers.add(answer);
        straddlingAccepted += answer.accepted() ? 1 : 0;
        assertThat(answer.response().statusCode()).as(describe(answer)).isIn(200, 202, 503);
      }

      // After: the same gateway process accepts again, without being restarted.
      Answer first = awaitFirstAccepted(answers);
      Duration recovery = Duration.ofNanos(System.nanoTime() - reachable);
      assertThat(recovery).isLessThan(RECOVERY_BOUND);
      List<Answer> after = sendAll(deliveries("after", 24));
      assertThat(after).allSatisfy(a -> assertThat(a.accepted()).as(describe(a)).isTrue());
      answers.addAll(after);
      awaitReady();

      // The providers retry what was refused, with the same delivery id and body.
      List<Delivery> refused =
          answers.stream().filter(a -> !a.accepted()).map(Answer::delivery).toList();
      assertThat(refused).hasSizeGreaterThanOrEqualTo(8);
      List<Answer> retried = sendAll(refused);
      assertThat(retried).allSatisfy(a -> assertThat(a.accepted()).as(describe(a)).isTrue());
      answers.addAll(retried);

      assertEveryAcceptedRequestIsInTheTopic(kafka.bootstrapServers(), answers);
      System.out.printf(
          "BrokerRestartIT: %d requests; %d refused with 503 while down (slowest %d ms);"
              + " %d of %d waiting across the restart accepted; a new request accepted %d ms"
              + " after the broker was back (%s); %d refused ones retried and accepted%n",
          answers.size(),
          down.size(),
          down.stream().mapToLong(a -> a.took().toMillis()).max().orElse(0),
          straddlingAccepted,
          straddling.size(),
          recovery.toMillis(),
          first.delivery().id(),
          refused.size());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Every 2xx delivery is in the topic with exactly the bytes sent; nothing is there that was not
   * sent; and a delivery appears twice at most if a 503 made it be sent twice (the job removes such
   * duplicates by delivery id).
   */
  private void assertEveryAcceptedRequestIsInTheTopic(String bootstrap, List<Answer> answers)
      throws Exception {
    Map<String, List<JsonNode>> inTopic = new HashMap<>();
    for (ConsumerRecord<String, String> record : KafkaTestCluster.readAll(bootstrap, WEBHOOKS)) {
      JsonNode envelope = JSON.readTree(record.value());
      inTopic
          .computeIfAbsent(envelope.path("deliveryId").asText(), k -> new ArrayList<>())
          .add(envelope);
    }
    Map<String, Integer> sends = new HashMap<>();
    Map<String, Delivery> sent = new HashMap<>();
    for (Answer answer : answers) {
      sends.merge(answer.delivery().id(), 1, Integer::sum);
      sent.put(answer.delivery().id(), answer.delivery());
    }
    assertThat(sent.keySet()).containsAll(inTopic.keySet());
    for (Answer answer : answers) {
      if (!answer.accepted()) {
        continue;
      }
      Delivery delivery = answer.delivery();
      List<JsonNode> copies = inTopic.get(delivery.id());
      assertThat(copies).as("accepted %s is in the topic", delivery.id()).isNotEmpty();
      assertThat(copies.size()).isLessThanOrEqualTo(sends.get(delivery.id()));
      for (JsonNode copy : copies) {
        assertThat(copy.path("siteId").asText()).isEqualTo("acme");
        assertThat(copy.path("provider").asText()).isEqualTo(delivery.api() ? "api" : "stripe");
        assertThat(copy.path("body").asText().getBytes(StandardCharsets.UTF_8))
            .isEqualTo(delivery.body());
      }
    }
  }

  private Answer awaitFirstAccepted(List<Answer> answers) {
    long deadline = System.nanoTime() + RECOVERY_BOUND.toNanos();
    while (true) {
      Answer answer = send(deliveries("probe", 1).get(0));
      answers.add(answer);
      if (answer.accepted() || System.nanoTime() > deadline) {
        assertThat(answer.accepted()).as(describe(answer)).isTrue();
        return answer;
      }
      sleep(200);
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (ops.get("/readyz").statusCode() != 200) {
      assertThat(System.nanoTime()).as("ready again").isLessThan(deadline);
      sleep(250);
    }
  }

  /** {@code count} deliveries, Stripe webhooks and Payment API calls alternately. */
  private List<Delivery> deliveries(String phase, int count) {
    List<Delivery> deliveries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = ++sequence;
      if (n % 2 == 0) {
        String id = "pay_" + phase + "_" + n;
        String body =
            "{\"provider\":\"shopify\",\"providerPaymentId\":\""
                + id
                + "\",\"amount\":\""
                + n
                + ".50\",\"currency\":\"EUR\",\"customerEmail\":\"zoë@example.com\"}";
        deliveries.add(
            new Delivery(id, "/api/v1/payments", body.getBytes(StandardCharsets.UTF_8), true));
      } else {
        String id = "evt_" + phase + "_" + n;
        String body =
            "{\"id\":\""
                + id
                + "\",\"object\":\"event\",\"type\":\"charge.succeeded\","
                + " \"data\":{\"object\":{\"amount\":"
                + n
                + ",\"description\":\"Zoë ✓\"}}}\n";
        deliveries.add(
            new Delivery(
                id, "/webhooks/stripe/acme", body.getBytes(StandardCharsets.UTF_8), false));
      }
    }
    return deliveries;
  }

  private List<Answer> sendAll(List<Delivery> deliveries) {
    return sendAsync(deliveries).stream().map(CompletableFuture::join).toList();
  }

  private List<CompletableFuture<Answer>> sendAsync(List<Delivery> deliveries) {
    return IntStream.range(0, deliveries.size())
        .mapToObj(i -> CompletableFuture.supplyAsync(() -> send(deliveries.get(i)), pool))
        .toList();
  }

  private Answer send(Delivery delivery) {
    long start = System.nanoTime();
    HttpResponse<String> response;
    if (delivery.api()) {
      response =
          client.post(
              delivery.path(),
              "application/json",
              delivery.body(),
              "Authorization",
              "Bearer " + API_KEY,
              "Idempotency-Key",
              delivery.id());
    } else {
      // Signed when sent, as a provider's retry is.
      String signature =
          StripeSignatureVerifier.signatureHeader(
              SECRET, Instant.now().getEpochSecond(), delivery.body());
      response =
          client.post(
              delivery.path(), "application/json", delivery.body(), "Stripe-Signature", signature);
    }
    return new Answer(delivery, response, Duration.ofNanos(System.nanoTime() - start));
  }

  private static String describe(Answer answer) {
    return answer.delivery().id()
        + " -> "
        + answer.response().statusCode()
        + " "
        + answer.response().body();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static GatewayConfig config(String bootstrap) {
    return new GatewayConfig(
        0,
        bootstrap,
        List.of(new SiteConfig("acme", List.of(SECRET), List.of(API_KEY), List.of())));
  }
}
