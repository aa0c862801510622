package dev.tributary.gateway.verify;

import java.time.Instant;
import java.util.List;

/**
 * Checks that a webhook body really comes from its provider. One implementation per scheme ({@link
 * StripeSignatureVerifier}, {@link StandardWebhooksVerifier}, {@link PaddleSignatureVerifier},
 * {@link HexHmacVerifier}, {@link Base64HmacVerifier}, {@link UrlTokenVerifier}), all behind this
 * interface so that the ingest handler does not care which scheme a provider uses. They share HMAC,
 * constant-time comparison and the timestamp tolerance ({@code Signing}, {@code Tolerance}).
 *
 * <p>Implementations are stateless and thread-safe, compare in constant time, and accept the body
 * if any of the given secrets (a rotation list) produced any of the presented signatures.
 */
public interface WebhookVerifier {

  /**
   * @param body the raw request body, exactly as received
   * @param headers the request headers
   * @param secrets the site's current secrets for this provider; never empty
   * @param now the time to check the signed timestamp against
   */
  Verification verify(byte[] body, Headers headers, List<String> secrets, Instant now);
}
