package dev.tributary.job.payments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.job.base.Json;
import dev.tributary.job.base.MalformedPayloadException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The gateway's envelope around a verified request body (README, "Wire formats"). The body is the
 * raw text the provider sent, byte for byte, so a parser fix can re-run history from Kafka. The
 * gateway's {@code WebhookEnvelope} writes it; both modules test the same wire bytes ({@code
 * job/src/test/resources/fixtures/tributary/envelope.v1.json}).
 */
public record WebhookEnvelope(
    int version,
    String siteId,
    String provider,
    String deliveryId,
    long receivedAtMillis,
    String contentType,
    String body) {

  /** Parses the envelope JSON; throws {@link MalformedPayloadException} with a short reason. */
  public static WebhookEnvelope parse(String json) {
    JsonNode n = Json.readObject(json, "envelope");
    int v = n.path("v").asInt(0);
    if (v != 1) {
      throw new MalformedPayloadException("unsupported envelope version " + n.path("v"));
    }
    String receivedAt = Json.requiredText(n, "receivedAt", "envelope");
    long receivedAtMillis;
    try {
      receivedAtMillis = Instant.parse(receivedAt).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new MalformedPayloadException(
          "envelope receivedAt is not an ISO-8601 instant in range");
    }
    return new WebhookEnvelope(
        v,
        Json.requiredText(n, "siteId", "envelope"),
        Json.requiredText(n, "provider", "envelope"),
        Json.requiredText(n, "deliveryId", "envelope"),
        receivedAtMillis,
        Json.text(n, "contentType"),
        rawBody(n));
  }

  /** The body exactly as forwarded: parsers clean the fields they read, not the raw text. */
  private static String rawBody(JsonNode n) {
    JsonNode body = n.get("body");
    if (body == null || !body.isTextual() || body.textValue().isBlank()) {
      throw new MalformedPayloadException("envelope has no body");
    }
    return body.textValue();
  }

  /** This envelope with another receive time (a time beyond belief clamped). */
  public WebhookEnvelope withReceivedAt(long millis) {
    return new WebhookEnvelope(version, siteId, provider, deliveryId, millis, contentType, body);
  }
}
