package dev.tributary.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IdentifyRecordTest {

  /** printf %s ada@example.com | sha256sum */
  static final String ADA = "b5fc85e55755f9e0d030a10ab4429b6b2944855f9a0d60077fe832becbc41d72";

  @Test
  void hashesTheTrimmedLowerCasedEmailAsHex() {
    assertThat(EmailHash.of(null, "acme", "ada@example.com")).isEqualTo(ADA);
    assertThat(EmailHash.of(null, "acme", "  Ada@Example.COM\t")).isEqualTo(ADA);
    assertThat(EmailHash.of(null, "acme", "ada@example.org")).isNotEqualTo(ADA);
  }

  /**
   * The keyed rule on the vectors the job's {@code EmailHashTest} holds too (computed with Python's
   * {@code hmac}): the two modules hash the same email of the same site identically.
   */
  @Test
  void withTheDeploymentKeyTheHashIsKeyedPerSite() {
    var key =
        new dev.tributary.gateway.config.GatewayConfig.EmailHashKey(
            "tributary-test-key-0123456789abcdef");
    assertThat(EmailHash.of(key, "acme", "  Ada@Example.COM "))
        .isEqualTo("e1a99fcdc23fd28c22826dc08cca8a3bc77247360f22526c5cea688848047985");
    assertThat(EmailHash.of(key, "beta", "ada@example.com"))
        .isEqualTo("b2aa44005068323174a9576328bf135b0be4141e3300ccddaaba395899e14a61");
    assertThat(key.toString()).doesNotContain("tributary-test-key");
    assertThatThrownBy(
            () -> new dev.tributary.gateway.config.GatewayConfig.EmailHashKey("too-short"))
        .hasMessageContaining("at least 32 characters")
        .hasMessageNotContaining("too-short");
  }

  @Test
  void writesTheContractFieldsInOrder() throws Exception {
    IdentifyRecord record =
        new IdentifyRecord(
            "acme",
            "v_1",
            null,
            EmailHash.of(null, "acme", "ada@example.com"),
            1763892000000L,
            Instant.parse("2026-11-23T10:00:00.123456Z"),
            "e-1");

    JsonNode json = Json.MAPPER.readTree(new String(record.toJson(), StandardCharsets.UTF_8));

    assertThat(record.kafkaKey()).isEqualTo("acme:v_1");
    assertThat(json.fieldNames())
        .toIterable()
        .containsExactly(
            "v",
            "type",
            "siteId",
            "visitorId",
            "sessionId",
            "emailHash",
            "clientTs",
            "receivedAt",
            "eventId",
            "verified");
    assertThat(json.path("verified").asBoolean()).as("the public tracker's call").isFalse();
    assertThat(json.path("type").asText()).isEqualTo("identify");
    assertThat(json.path("sessionId").isNull()).isTrue();
    assertThat(json.path("receivedAt").asText()).isEqualTo("2026-11-23T10:00:00.123Z");
  }

  @Test
  void cannotHoldARawEmail() {
    assertThatThrownBy(
            () ->
                new IdentifyRecord(
                    "acme", "v_1", null, "ada@example.com", null, Instant.EPOCH, "e"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("ada@example.com");
  }

  @Test
  void anEmailNeedsSomethingOnBothSidesOfTheAt() {
    assertThat(IdentifyHandler.looksLikeEmail(" ada@example.com ")).isTrue();
    assertThat(IdentifyHandler.looksLikeEmail("a@b")).isTrue();
    assertThat(IdentifyHandler.looksLikeEmail("ada")).isFalse();
    assertThat(IdentifyHandler.looksLikeEmail("@example.com")).isFalse();
    assertThat(IdentifyHandler.looksLikeEmail("ada@ ")).isFalse();
  }
}
