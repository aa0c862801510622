package dev.tributary.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.gateway.ingest.WebhookProvider.DeliveryIdReader;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

/**
 * The ways a provider's delivery id is found. The id lets the job drop a retried delivery, so it
 * must be the same on every retry of one event: the provider's event id where there is one, else a
 * hash of the bytes.
 */
final class DeliveryIds {

  /** Longer ids are refused rather than forwarded: no provider's ids come close. */
  private static final int MAX_LENGTH = 255;

  private DeliveryIds() {}

  /**
   * A top-level string field of a JSON body; a random UUID when there is none (a signed body that
   * is not JSON is still forwarded, and the job dead-letters it).
   */
  static DeliveryIdReader jsonField(String field) {
    return (body, headers) -> {
      try {
        JsonNode value = Json.MAPPER.readTree(body).get(field);
        if (value != null
            && value.isTextual()
            && !value.textValue().isBlank()
            && value.textValue().length() <= MAX_LENGTH) {
          return value.textValue();
        }
      } catch (IOException e) {
        // Not JSON, or not an object: fall through to a generated id.
      }
      return UUID.randomUUID().toString();
    };
  }

  /** A header the provider always sends; a 400 if it is missing. */
  static DeliveryIdReader requiredHeader(String name) {
    return (body, headers) -> {
      String value = headers.get(name);
      if (value == null || value.isBlank()) {
        throw ApiError.invalidFields(Map.of(name, "is required"));
      }
      String id = value.trim();
      if (id.length() > MAX_LENGTH) {
        throw ApiError.invalidFields(Map.of(name, "must be at most " + MAX_LENGTH + " characters"));
      }
      return id;
    };
  }

  /** {@code sha256:<64 hex>} of the raw body, for providers without an event id. */
  static DeliveryIdReader bodySha256() {
    return (body, headers) -> "sha256:" + HexFormat.of().formatHex(sha256(body));
  }

  private static byte[] sha256(byte[] body) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(body);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
