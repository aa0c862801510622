package dev.tributary.local;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a webhook body the way Stripe does: {@code Stripe-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256(secret, t + "." + body)>}, where the key is the UTF-8 bytes of the whole endpoint
 * secret ({@code whsec_…}, prefix included).
 */
public final class StripeSigner {

  /** Name of the HTTP header that carries the signature. */
  public static final String HEADER = "Stripe-Signature";

  private final byte[] key;

  public StripeSigner(String endpointSecret) {
    if (endpointSecret == null || endpointSecret.isEmpty()) {
      throw new IllegalArgumentException("endpoint secret is empty");
    }
    this.key = endpointSecret.getBytes(StandardCharsets.UTF_8);
  }

  /** The header value for {@code body} signed at {@code at}. */
  public String header(String body, Instant at) {
    long t = at.getEpochSecond();
    return "t=" + t + ",v1=" + hmacHex(t + "." + body);
  }

  /** The header value for {@code body} signed now. */
  public String header(String body) {
    return header(body, Instant.now());
  }

  String hmacHex(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
