package dev.tributary.gateway.verify;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * One header holding the base64 HMAC-SHA256 of the raw body, keyed with the UTF-8 bytes of the
 * webhook secret: Shopify ({@code X-Shopify-Hmac-Sha256}, keyed with the app's client secret or the
 * store's webhook signing key) and WooCommerce ({@code X-WC-Webhook-Signature}, {@code
 * WC_Webhook::generate_signature}: {@code base64_encode(hash_hmac('sha256', $payload, $secret,
 * true))}) sign this way. The same scheme as {@link HexHmacVerifier} in another encoding.
 *
 * <p>Base64 is case-sensitive, so the presented value is compared as sent (trimmed), against the
 * standard padded encoding both providers send. Nothing in the signature is time-bound: replays are
 * removed downstream by delivery id. Any configured secret may match (rotation).
 */
public final class Base64HmacVerifier implements WebhookVerifier {

  public static final String SHOPIFY_HEADER = "X-Shopify-Hmac-Sha256";
  public static final String WOOCOMMERCE_HEADER = "X-WC-Webhook-Signature";

  private final String header;

  /**
   * @param header the header that carries the base64 signature
   */
  public Base64HmacVerifier(String header) {
    this.header = Objects.requireNonNull(header, "header");
  }

  @Override
  public Verification verify(byte[] body, Headers headers, List<String> secrets, Instant now) {
    if (headers.firstMissing(header) != null) {
      return Verification.malformed("missing " + header + " header");
    }
    byte[] presented = Signing.ascii(headers.get(header).trim());
    List<byte[]> expected = secrets.stream().map(s -> Signing.ascii(signature(s, body))).toList();
    if (!Signing.anyEqual(expected, List.of(presented))) {
      return Verification.rejected("no signature matches the payload");
    }
    return Verification.valid();
  }

  /** The header value the provider would send for {@code body}, for test and demo traffic. */
  public static String signature(String secret, byte[] body) {
    return Base64.getEncoder().encodeToString(Signing.hmacSha256(Signing.utf8(secret), body));
  }
}
