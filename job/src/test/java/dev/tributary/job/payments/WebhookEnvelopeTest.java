package dev.tributary.job.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.job.base.MalformedPayloadException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The envelope's wire form as the gateway writes it, byte for byte ({@code
 * fixtures/tributary/envelope.v1.json}; the gateway's {@code WebhookEnvelopeTest} checks that its
 * writer produces exactly this file): the job reads every field back, the body unchanged.
 */
class WebhookEnvelopeTest {
  @Test
  void theJobReadsTheWireFormTheGatewayWrites() throws Exception {
    String wire;
    try (var in = getClass().getResourceAsStream("/fixtures/tributary/envelope.v1.json")) {
      wire = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    WebhookEnvelope e = WebhookEnvelope.parse(wire);
    assertThat(e.version()).isEqualTo(1);
    assertThat(e.siteId()).isEqualTo("acme");
    assertThat(e.provider()).isEqualTo("stripe");
    assertThat(e.deliveryId()).isEqualTo("evt_1");
    assertThat(e.receivedAtMillis())
        .isEqualTo(Instant.parse("2026-11-01T10:00:00.123Z").toEpochMilli());
    assertThat(e.contentType()).isEqualTo("application/json; charset=utf-8");
    assertThat(e.body()).isEqualTo("{\"id\":\"evt_1\",\"note\":\"a \\\\ b\\nZoë \u2028 €\"}\n");
  }

  @Test
  void anotherVersionOrNoBodyIsMalformed() {
    assertThatThrownBy(
            () ->
                WebhookEnvelope.parse(
                    "{\"v\":2,\"siteId\":\"a\",\"provider\":\"stripe\",\"deliveryId\":\"d\","
                        + "\"receivedAt\":\"2026-11-01T10:00:00Z\",\"body\":\"{}\"}"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessageContaining("unsupported envelope version");
    assertThatThrownBy(
            () ->
                WebhookEnvelope.parse(
                    "{\"v\":1,\"siteId\":\"a\",\"provider\":\"stripe\",\"deliveryId\":\"d\","
                        + "\"receivedAt\":\"2026-11-01T10:00:00Z\",\"body\":\" \"}"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("envelope has no body");
  }
}
