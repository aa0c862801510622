package dev.tributary.gateway.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One verified webhook or Payment-API call as written to {@code tributary.webhooks}. The raw body
 * travels unchanged so that a later parser fix can re-read history from Kafka. The job's {@code
 * WebhookEnvelope} reads it; both modules test the same wire bytes ({@code
 * job/src/test/resources/fixtures/tributary/envelope.v1.json}).
 *
 * @param siteId the site, also the Kafka key
 * @param provider {@code stripe}, {@code api}, …
 * @param deliveryId the provider's event id, or a generated one
 * @param receivedAt when the gateway received it; also the Kafka record timestamp
 * @param contentType the request's Content-Type header
 * @param body the raw request body, decoded as UTF-8 without any change
 */
public record WebhookEnvelope(
    String siteId,
    String provider,
    String deliveryId,
    Instant receivedAt,
    String contentType,
    String body) {

  public static final int VERSION = 1;

  public WebhookEnvelope {
    receivedAt = Timestamps.toMillis(receivedAt);
  }

  /** The wire form: {@code {"v":1,"siteId":…,"provider":…,"deliveryId":…,"receivedAt":…,…}}. */
  public byte[] toJson() {
    ObjectNode json = Json.object();
    json.put("v", VERSION);
    json.put("siteId", siteId);
    json.put("provider", provider);
    json.put("deliveryId", deliveryId);
    json.put("receivedAt", Timestamps.format(receivedAt));
    json.put("contentType", contentType);
    json.put("body", body);
    return Json.bytes(json);
  }
}
