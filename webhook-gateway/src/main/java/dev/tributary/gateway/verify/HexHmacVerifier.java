package dev.tributary.gateway.verify;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The plainest scheme: one header holding the hex HMAC-SHA256 of the raw body, keyed with the UTF-8
 * bytes of the webhook secret. Razorpay ({@code X-Razorpay-Signature}) and Lemon Squeezy ({@code
 * X-Signature}) sign this way.
 *
 * <p>Nothing in the signature is time-bound, so a captured request stays valid for as long as the
 * secret does: replays are removed downstream by delivery id, and secrets should be rotated if a
 * request may have leaked. Any configured secret may match (rotation).
 */
public final class HexHmacVerifier implements WebhookVerifier {

  public static final String RAZORPAY_HEADER = "X-Razorpay-Signature";
  public static final String LEMON_SQUEEZY_HEADER = "X-Signature";

  private final String header;

  /**
   * @param header the header that carries the hex signature
   */
  public HexHmacVerifier(String header) {
    this.header = Objects.requireNonNull(header, "header");
  }

  @Override
  public Verification verify(byte[] body, Headers headers, List<String> secrets, Instant now) {
    if (headers.firstMissing(header) != null) {
      return Verification.malformed("missing " + header + " header");
    }
    // Hex is case-insensitive; the providers send lower case.
    byte[] presented = Signing.ascii(headers.get(header).trim().toLowerCase(Locale.ROOT));
    List<byte[]> expected = secrets.stream().map(s -> Signing.ascii(signature(s, body))).toList();
    if (!Signing.anyEqual(expected, List.of(presented))) {
      return Verification.rejected("no signature matches the payload");
    }
    return Verification.valid();
  }

  /** The header value the provider would send for {@code body}, for test and demo traffic. */
  public static String signature(String secret, byte[] body) {
    return Signing.hex(Signing.hmacSha256(Signing.utf8(secret), body));
  }
}
