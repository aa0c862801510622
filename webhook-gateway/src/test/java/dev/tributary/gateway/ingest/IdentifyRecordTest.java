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
    assertThat(EmailHash.of("ada@example.com")).isEqualTo(ADA);
    assertThat(EmailHash.of("  Ada@Example.COM\t")).isEqualTo(ADA);
    assertThat(EmailHash.of("ada@example.org")).isNotEqualTo(ADA);
  }

  @Test
  void writesTheContractFieldsInOrder() throws Exception {
    IdentifyRecord record =
        new IdentifyRecord(
            "acme",
            "v_1",
            null,
            EmailHash.of("ada@example.com"),
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
