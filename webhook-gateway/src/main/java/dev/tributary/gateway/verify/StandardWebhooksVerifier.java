package dev.tributary.gateway.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> scheme (Dodo Payments,
 * Polar): headers {@code webhook-id}, {@code webhook-timestamp} (Unix seconds) and {@code
 * webhook-signature: v1,<base64> [v1,<base64> …]}, each {@code v1} being base64 of HMAC-SHA256 over
 * {@code id + "." + timestamp + "." + body}. Entries of other versions ({@code v1a} is Ed25519) are
 * ignored; any {@code v1} signed by any configured secret is enough, so both secrets of a rotation
 * work.
 *
 * <p>How the HMAC key comes from the configured secret is a property of the provider, see {@link
 * SecretEncoding}. The timestamp must be within the tolerance of now, both ways, as the standard
 * requires (its libraries use 5 minutes).
 */
public final class StandardWebhooksVerifier implements WebhookVerifier {

  public static final String ID_HEADER = "webhook-id";
  public static final String TIMESTAMP_HEADER = "webhook-timestamp";
  public static final String SIGNATURE_HEADER = "webhook-signature";
  public static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(300);

  private static final String VERSION = "v1";
  private static final String SECRET_PREFIX = "whsec_";

  /** How a configured secret becomes the HMAC key. */
  public enum SecretEncoding {
    /**
     * The standard (Dodo Payments): the secret is {@code whsec_<base64>} and the key is the
     * base64-decoded part after the prefix (the prefix is optional, as in the reference libraries).
     */
    BASE64_AFTER_WHSEC,
    /**
     * Polar: the key is the UTF-8 bytes of the whole secret as shown in Polar's dashboard. Polar's
     * SDKs base64-encode the secret before handing it to a Standard Webhooks library, which decodes
     * it straight back.
     */
    RAW_UTF8;

    /** The HMAC key for {@code secret}, or null when the secret cannot be one. */
    byte[] key(String secret) {
      byte[] key;
      if (this == RAW_UTF8) {
        key = Signing.utf8(secret);
      } else {
        String encoded =
            secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        try {
          key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
      return key.length == 0 ? null : key;
    }
  }

  private final SecretEncoding encoding;
  private final Tolerance tolerance;

  /**
   * @param encoding how the provider turns its secret into the HMAC key
   * @param tolerance how far {@code webhook-timestamp} may be from now, either way; zero turns the
   *     check off (only for replaying recorded test vectors, never in the service)
   */
  public StandardWebhooksVerifier(SecretEncoding encoding, Duration tolerance) {
    this.encoding = Objects.requireNonNull(encoding, "encoding");
    this.tolerance = new Tolerance(tolerance);
  }

  @Override
  public Verification verify(byte[] body, Headers headers, List<String> secrets, Instant now) {
    String id = headers.get(ID_HEADER);
    String timestampHeader = headers.get(TIMESTAMP_HEADER);
    String signatureHeader = headers.get(SIGNATURE_HEADER);
    String missing = headers.firstMissing(ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER);
    if (missing != null) {
      return Verification.malformed("missing " + missing + " header");
    }
    Long timestamp = Tolerance.parseSeconds(timestampHeader);
    if (timestamp == null) {
      return Verification.malformed(TIMESTAMP_HEADER + " must be Unix seconds");
    }
    List<byte[]> presented = v1Signatures(signatureHeader);
    if (presented.isEmpty()) {
      return Verification.rejected("no signatures found with expected scheme " + VERSION);
    }
    List<byte[]> expected = new ArrayList<>();
    for (String secret : secrets) {
      byte[] key = encoding.key(secret);
      if (key != null) {
        expected.add(Signing.ascii(base64Signature(key, id.trim(), timestamp, body)));
      }
    }
    if (!Signing.anyEqual(expected, presented)) {
      return Verification.rejected("no signature matches the payload");
    }
    if (!tolerance.accepts(timestamp, now)) {
      return Verification.rejected("timestamp outside the tolerance zone");
    }
    return Verification.valid();
  }

  /**
   * The {@code webhook-signature} value ({@code v1,<base64>}) the provider would send, for test and
   * demo traffic.
   *
   * @throws IllegalArgumentException if {@code secret} is not usable under {@code encoding}
   */
  public static String signatureHeader(
      SecretEncoding encoding, String secret, String id, long timestamp, byte[] body) {
    byte[] key = encoding.key(secret);
    if (key == null) {
      throw new IllegalArgumentException("the secret is not usable as " + encoding);
    }
    return VERSION + "," + base64Signature(key, id, timestamp, body);
  }

  private static String base64Signature(byte[] key, String id, long timestamp, byte[] body) {
    byte[] mac = Signing.hmacSha256(key, Signing.utf8(id + "." + timestamp + "."), body);
    return Base64.getEncoder().encodeToString(mac);
  }

  /** The base64 parts of the space-separated {@code v1,<base64>} entries; others are skipped. */
  private static List<byte[]> v1Signatures(String header) {
    return Arrays.stream(header.trim().split(" +"))
        .filter(entry -> entry.startsWith(VERSION + ","))
        .map(entry -> Signing.ascii(entry.substring(VERSION.length() + 1)))
        .toList();
  }
}
