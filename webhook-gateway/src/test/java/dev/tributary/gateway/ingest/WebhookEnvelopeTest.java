package dev.tributary.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The envelope's wire form, byte for byte: the job's {@code WebhookEnvelopeTest} parses the same
 * file ({@code job/src/test/resources/fixtures/tributary/envelope.v1.json}), so the writer here and
 * the reader there agree on one format (README, Wire formats).
 */
class WebhookEnvelopeTest {
  static final Path WIRE =
      Path.of("..", "job", "src", "test", "resources", "fixtures", "tributary", "envelope.v1.json");

  /** A body with what JSON must escape: quotes, a backslash, a newline, non-ASCII, U+2028. */
  static final String BODY = "{\"id\":\"evt_1\",\"note\":\"a \\\\ b\\nZoë \u2028 €\"}\n";

  @Test
  void theGatewayWritesTheWireFormTheJobReads() throws Exception {
    WebhookEnvelope envelope =
        new WebhookEnvelope(
            "acme",
            "stripe",
            "evt_1",
            Instant.parse("2026-11-01T10:00:00.123456Z"),
            "application/json; charset=utf-8",
            BODY);
    byte[] wire = Files.readAllBytes(WIRE);
    // the file holds one line; the writer writes no newline after it
    assertThat(new String(envelope.toJson(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(new String(wire, java.nio.charset.StandardCharsets.UTF_8).stripTrailing());
  }
}
