package dev.tributary.gateway.verify;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The plainest scheme: one header holding the hex HMAC of the raw body, keyed with the UTF-8 bytes
 * of the webhook secret. Razorpay ({@code X-Razorpay-Signature}), Lemon Squeezy ({@code
 * X-Signature}) and Creem ({@code creem-signature}) sign with HMAC-SHA256; Paystack ({@code
 * x-paystack-signature}) with HMAC-SHA512, keyed with the integration's secret key.
 *
 * <p>Nothing in the signature is time-bound, so a captured request stays valid for as long as the
 * secret does: replays are removed downstream by delivery id, and secrets should be rotated if a
 * request may have leaked. Any configured secret may match (rotation).
 */
public final class HexHmacVerifier implements WebhookVerifier {

  public static final String RAZORPAY_HEADER = "X-Razorpay-Signature";
  public static final String LEMON_SQUEEZY_HEADER = "X-Signature";
  public static final String PAYSTACK_HEADER = "x-paystack-signature";
  public static final String CREEM_HEADER = "creem-signature";

  /** The HMAC a provider signs with. */
  public enum Algorithm {
    SHA256,
    SHA512;

    byte[] mac(byte[] key, byte[] body) {
      return this == SHA256 ? Signing.hmacSha256(key, body) : Signing.hmacSha512(key, body);
    }
  }

  private final String header;
  private final Algorithm algorithm;

  /**
   * An HMAC-SHA256 verifier.
   *
   * @param header the header that carries the hex signature
   */
  public HexHmacVerifier(String header) {
    this(header, Algorithm.SHA256);
  }

  /**
   * @param header the header that carries the hex signature
   * @param algorithm the HMAC the provider signs with
   */
  public HexHmacVerifier(String header, Algorithm algorithm) {
    this.header = Objects.requireNonNull(header, "header");
    this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
  }

  @Override
  public Verification verify(byte[] body, Headers headers, List<String> secrets, Instant now) {
    if (headers.firstMissing(header) != null) {
      return Verification.malformed("missing " + header + " header");
    }
    // Hex is case-insensitive; the providers send lower case.
    byte[] presented = Signing.ascii(headers.get(header).trim().toLowerCase(Locale.ROOT));
    List<byte[]> expected =
        secrets.stream().map(s -> Signing.ascii(signature(algorithm, s, body))).toList();
    if (!Signing.anyEqual(expected, List.of(presented))) {
      return Verification.rejected("no signature matches the payload");
    }
    return Verification.valid();
  }

  /** The HMAC-SHA256 header value a provider would send for {@code body}, for test traffic. */
  public static String signature(String secret, byte[] body) {
    return signature(Algorithm.SHA256, secret, body);
  }

  /** The header value a provider signing with {@code algorithm} would send for {@code body}. */
  public static String signature(Algorithm algorithm, String secret, byte[] body) {
    return Signing.hex(algorithm.mac(Signing.utf8(secret), body));
  }
}
