package dev.tributary.gateway.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Stripe's scheme: header {@code Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…][,v0=…]}, where
 * each {@code v1} is HMAC-SHA256 (hex) of {@code t + "." + body} keyed with the UTF-8 bytes of the
 * whole {@code whsec_…} secret. Stripe sends several {@code v1} values while a secret rotates; any
 * match with any configured secret is enough. {@code v0} (test-mode legacy) is ignored.
 *
 * <p>Unlike Stripe's SDKs, which only reject old timestamps, this checks the tolerance both ways so
 * that a leaked future-dated signature cannot be replayed for longer than the tolerance.
 */
public final class StripeSignatureVerifier implements WebhookVerifier {

  public static final String HEADER = "Stripe-Signature";
  public static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(300);

  private static final String SCHEME = "v1";

  private final Tolerance tolerance;

  /**
   * @param tolerance how far the signed timestamp may be from now, either way; zero turns the check
   *     off (only for replaying recorded test vectors, never in the service)
   */
  public StripeSignatureVerifier(Duration tolerance) {
    this.tolerance = new Tolerance(tolerance);
  }

  public StripeSignatureVerifier() {
    this(DEFAULT_TOLERANCE);
  }

  @Override
  public Verification verify(byte[] body, Headers headers, List<String> secrets, Instant now) {
    if (headers.firstMissing(HEADER) != null) {
      return Verification.malformed("missing " + HEADER + " header");
    }
    String header = headers.get(HEADER);
    SignatureHeader parsed = SignatureHeader.parse(header);
    if (parsed == null) {
      return Verification.malformed("unable to extract timestamp and signatures from header");
    }
    if (parsed.signatures().isEmpty()) {
      return Verification.rejected("no signatures found with expected scheme " + SCHEME);
    }
    List<byte[]> expected =
        secrets.stream()
            .map(secret -> Signing.ascii(hexSignature(secret, parsed.timestamp(), body)))
            .toList();
    List<byte[]> presented = parsed.signatures().stream().map(Signing::ascii).toList();
    if (!Signing.anyEqual(expected, presented)) {
      return Verification.rejected("no signature matches the payload");
    }
    if (!tolerance.accepts(parsed.timestamp(), now)) {
      return Verification.rejected("timestamp outside the tolerance zone");
    }
    return Verification.valid();
  }

  /**
   * The {@code Stripe-Signature} header Stripe would send for {@code body}, for test and demo
   * traffic.
   */
  public static String signatureHeader(String secret, long timestamp, byte[] body) {
    return "t=" + timestamp + "," + SCHEME + "=" + hexSignature(secret, timestamp, body);
  }

  private static String hexSignature(String secret, long timestamp, byte[] body) {
    return Signing.hex(
        Signing.hmacSha256(Signing.utf8(secret), Signing.ascii(timestamp + "."), body));
  }

  /** The parts of a {@code Stripe-Signature} header this scheme uses. */
  private record SignatureHeader(long timestamp, List<String> signatures) {

    /** Null when the header has no usable {@code t}; unknown or odd items are skipped. */
    static SignatureHeader parse(String header) {
      Long timestamp = null;
      List<String> signatures = new ArrayList<>();
      for (String item : header.split(",")) {
        int eq = item.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String key = item.substring(0, eq).trim();
        String value = item.substring(eq + 1).trim();
        if (key.equals("t") && timestamp == null) {
          try {
            timestamp = Long.parseLong(value);
          } catch (NumberFormatException e) {
            return null;
          }
        } else if (key.equals(SCHEME)) {
          signatures.add(value);
        }
      }
      return timestamp == null ? null : new SignatureHeader(timestamp, signatures);
    }
  }
}
