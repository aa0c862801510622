package dev.tributary.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.gateway.config.GatewayConfig;
import dev.tributary.gateway.config.GatewayConfig.Topics;
import dev.tributary.gateway.config.SiteConfig;
import dev.tributary.gateway.testing.GatewayClient;
import dev.tributary.gateway.testing.KafkaTestCluster;
import dev.tributary.gateway.testing.KafkaTestCluster.Mark;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two doors of identify evidence over real HTTP against a real broker: the public tracker's
 * {@code /api/v1/identify} always writes {@code verified: false}, whatever its body claims; only
 * the merchant's server, with the site's API key, writes {@code verified: true}.
 */
class VerifiedIdentifyIT {
  static final String TRACKING = "tributary.tracking";
  static final String ACME_KEY = "k7Qm2vX9pL4sR8tW1yZ6nB3cF5hJ0dGe";
  static final String BETA_KEY = "Zr4Tq8Wm1Xn6Vb3Lk9Hs2Jd7Fg5Pc0Ya";
  static final ObjectMapper JSON = new ObjectMapper();
  static KafkaTestCluster kafka;
  static GatewayApp gateway;
  static GatewayClient client;

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaTestCluster.start("tributary.webhooks", TRACKING);
    gateway =
        GatewayApp.start(
            new GatewayConfig(
                0,
                kafka.bootstrapServers(),
                16 * 1024,
                300,
                List.of(
                    new SiteConfig(
                        "acme", List.of(), List.of(ACME_KEY), List.of("https://acme.com")),
                    new SiteConfig("beta", List.of(), List.of(BETA_KEY), List.of())),
                Topics.DEFAULT));
    client = new GatewayClient(gateway.port());
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static HttpResponse<String> post(String path, String body, String... headers) {
    return client.post(path, "application/json", body.getBytes(StandardCharsets.UTF_8), headers);
  }

  @Test
  void theMerchantsServerWritesAVerifiedIdentifyForTheSiteOfItsKey() throws Exception {
    Mark mark = kafka.mark(TRACKING);
    HttpResponse<String> response =
        post(
            "/api/v1/identify/verified",
            "{\"visitorId\":\"v_1\",\"email\":\"Ada@Example.com\"}",
            "Authorization",
            "Bearer " + ACME_KEY);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);

    JsonNode record = JSON.readTree(kafka.singleRecordAfter(mark).value());
    assertThat(record.path("type").asText()).isEqualTo("identify");
    assertThat(record.path("siteId").asText()).isEqualTo("acme");
    assertThat(record.path("visitorId").asText()).isEqualTo("v_1");
    assertThat(record.path("verified").asBoolean()).isTrue();
    // trimmed and lower-cased before hashing, as the job hashes payment emails
    assertThat(record.path("emailHash").asText())
        .isEqualTo(
            java.util.HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256")
                        .digest("ada@example.com".getBytes(StandardCharsets.UTF_8))));
    assertThat(record.toString()).doesNotContainIgnoringCase("ada@");
  }

  @Test
  void withoutAValidKeyOrForAnotherSiteNothingIsWritten() {
    Mark mark = kafka.mark(TRACKING);
    String body = "{\"visitorId\":\"v_1\",\"email\":\"ada@example.com\"}";
    assertThat(post("/api/v1/identify/verified", body).statusCode()).isEqualTo(401);
    assertThat(
            post("/api/v1/identify/verified", body, "Authorization", "Bearer wrong-key")
                .statusCode())
        .isEqualTo(401);
    HttpResponse<String> otherSite =
        post(
            "/api/v1/identify/verified",
            "{\"siteId\":\"acme\",\"visitorId\":\"v_1\",\"email\":\"ada@example.com\"}",
            "Authorization",
            "Bearer " + BETA_KEY);
    assertThat(otherSite.statusCode()).as(otherSite.body()).isEqualTo(400);
    assertThat(otherSite.body()).contains("siteId");
    assertThat(kafka.recordsAfter(mark, Duration.ofMillis(500))).isEmpty();
  }

  @Test
  void thePublicTrackerCannotClaimToBeVerified() throws Exception {
    Mark mark = kafka.mark(TRACKING);
    HttpResponse<String> response =
        post(
            "/api/v1/identify",
            "{\"siteId\":\"acme\",\"visitorId\":\"v_2\",\"email\":\"ada@example.com\","
                + "\"verified\":true}",
            "Origin",
            "https://acme.com");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    JsonNode record = JSON.readTree(kafka.singleRecordAfter(mark).value());
    assertThat(record.path("verified").asBoolean()).isFalse();
  }
}
