package dev.tributary.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.gateway.config.SiteConfig;
import dev.tributary.gateway.verify.Headers;
import dev.tributary.gateway.verify.StripeSignatureVerifier;
import dev.tributary.gateway.verify.WebhookVerifier;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What differs between signed-webhook providers: the URL name, the signing scheme, where a site
 * keeps the secrets, and where the provider's event id is. Everything else is {@link
 * WebhookHandler}; adding a provider means adding a factory here.
 *
 * @param name the path segment in {@code /webhooks/{name}/{siteId}} and the envelope's provider
 * @param verifier the provider's signing scheme
 * @param secrets the site's secrets for this provider; empty when the site does not use it
 * @param deliveryId the provider's event id, if the verified request carries one
 */
public record WebhookProvider(
    String name,
    WebhookVerifier verifier,
    Function<SiteConfig, List<String>> secrets,
    DeliveryIdReader deliveryId) {

  /** Finds the provider's event id in a verified request. */
  @FunctionalInterface
  public interface DeliveryIdReader {
    Optional<String> read(byte[] body, Headers headers);
  }

  /** Stripe: the event's top-level {@code "id"} ({@code evt_…}). */
  public static WebhookProvider stripe(Duration tolerance) {
    return new WebhookProvider(
        "stripe",
        new StripeSignatureVerifier(tolerance),
        SiteConfig::stripeSecrets,
        (body, headers) -> topLevelText(body, "id"));
  }

  private static Optional<String> topLevelText(byte[] body, String field) {
    try {
      JsonNode value = Json.MAPPER.readTree(body).get(field);
      return value != null && value.isTextual() && !value.textValue().isBlank()
          ? Optional.of(value.textValue())
          : Optional.empty();
    } catch (IOException e) {
      // Signed but not JSON: still forwarded (the job dead-letters it), under a generated id.
      return Optional.empty();
    }
  }
}
