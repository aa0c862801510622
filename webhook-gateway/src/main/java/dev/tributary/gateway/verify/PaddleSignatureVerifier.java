package dev.tributary.gateway.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Paddle Billing's scheme: header {@code Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>…]}, each
 * {@code h1} being HMAC-SHA256 (hex) of {@code ts + ":" + body} keyed with the UTF-8 bytes of the
 * notification destination's secret key ({@code pdl_ntfset_…}). Any {@code h1} signed by any
 * configured secret is enough (Paddle sends one per active secret while a key rotates); other items
 * ({@code h2=…}) are ignored.
 *
 * <p><b>Tolerance.</b> Paddle's SDKs accept a timestamp at most 5 seconds old. The gateway's
 * default is 300 seconds, the same as for Stripe and Standard Webhooks, because the check runs on
 * our clock after our queueing: clock skew between Paddle and this host, a load balancer or a
 * restarting instance holding the request, and a burst of deliveries waiting for the Kafka ack can
 * each take longer than 5 s, and a rejected delivery only comes back after Paddle's retry delay.
 * The window is still checked both ways, so a captured request cannot be replayed for longer than
 * it; duplicates inside it are removed by delivery id downstream. Configure it with {@code
 * TRIBUTARY_SIGNATURE_TOLERANCE_SECONDS}.
 */
public final class PaddleSignatureVerifier implements WebhookVerifier {

  public static final String HEADER = "Paddle-Signature";
  public static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(300);

  private static final String SCHEME = "h1";

  private final Tolerance tolerance;

  /**
   * @param tolerance how far {@code ts} may be from now, either way; zero turns the check off (only
   *     for replaying recorded test vectors, never in the service)
   */
  public PaddleSignatureVerifier(Duration tolerance) {
    this.tolerance = new Tolerance(tolerance);
  }

  @Override
  public Verification verify(byte[] body, Headers headers, List<String> secrets, Instant now) {
    if (headers.firstMissing(HEADER) != null) {
      return Verification.malformed("missing " + HEADER + " header");
    }
    Long timestamp = null;
    List<byte[]> presented = new ArrayList<>();
    for (String item : headers.get(HEADER).split(";")) {
      int eq = item.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = item.substring(0, eq).trim();
      String value = item.substring(eq + 1).trim();
      if (key.equals("ts")) {
        timestamp = timestamp == null ? Tolerance.parseSeconds(value) : timestamp;
        if (timestamp == null) {
          return Verification.malformed("ts must be Unix seconds");
        }
      } else if (key.equals(SCHEME)) {
        presented.add(Signing.ascii(value));
      }
    }
    if (timestamp == null) {
      return Verification.malformed("unable to extract timestamp and signatures from header");
    }
    if (presented.isEmpty()) {
      return Verification.rejected("no signatures found with expected scheme " + SCHEME);
    }
    long ts = timestamp;
    List<byte[]> expected =
        secrets.stream().map(secret -> Signing.ascii(hexSignature(secret, ts, body))).toList();
    if (!Signing.anyEqual(expected, presented)) {
      return Verification.rejected("no signature matches the payload");
    }
    if (!tolerance.accepts(ts, now)) {
      return Verification.rejected("timestamp outside the tolerance zone");
    }
    return Verification.valid();
  }

  /** The {@code Paddle-Signature} header Paddle would send, for test and demo traffic. */
  public static String signatureHeader(String secret, long timestamp, byte[] body) {
    return "ts=" + timestamp + ";" + SCHEME + "=" + hexSignature(secret, timestamp, body);
  }

  private static String hexSignature(String secret, long timestamp, byte[] body) {
    return Signing.hex(
        Signing.hmacSha256(Signing.utf8(secret), Signing.ascii(timestamp + ":"), body));
  }
}
