package dev.tributary.local;

import dev.tributary.gateway.verify.StripeSignatureVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Signs a webhook body the way Stripe does: {@code Stripe-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256(secret, t + "." + body)>}. The signing itself is the gateway's, so the demo and the
 * verifier cannot drift apart.
 */
public final class StripeSigner {

  /** Name of the HTTP header that carries the signature. */
  public static final String HEADER = StripeSignatureVerifier.HEADER;

  private final String secret;

  public StripeSigner(String endpointSecret) {
    if (endpointSecret == null || endpointSecret.isEmpty()) {
      throw new IllegalArgumentException("endpoint secret is empty");
    }
    this.secret = endpointSecret;
  }

  /** The header value for {@code body} signed at {@code at}. */
  public String header(String body, Instant at) {
    return StripeSignatureVerifier.signatureHeader(
        secret, at.getEpochSecond(), body.getBytes(StandardCharsets.UTF_8));
  }

  /** The header value for {@code body} signed now. */
  public String header(String body) {
    return header(body, Instant.now());
  }
}
