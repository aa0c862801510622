package dev.tributary.job.base;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The only form in which an email leaves a parser, and the rule the gateway applies to identify
 * calls (its {@code EmailHash} implements the same rule; both modules test it on the same vectors,
 * {@code job/src/test/resources/fixtures/tributary/email_hash_vectors.json}):
 *
 * <ol>
 *   <li>normalize: trim, lower-case ({@link Locale#ROOT}); text whose last {@code @} has nothing
 *       before or after it is no email ({@link #isEmail}), and hashes to null;
 *   <li>with a deployment key {@code K} (at least 32 characters): the site key is {@code
 *       HMAC-SHA256(K, "tributary-email-v1|" + siteId)}, and the hash is {@code
 *       HMAC-SHA256(siteKey, normalized)}, as lower-case hex. An email list cannot reverse it
 *       without {@code K}, and the same person hashes differently on two sites;
 *   <li>without a key (versions before 0.2): bare SHA-256 of the normalized address.
 * </ol>
 *
 * <p>Parsers call {@link #of(String)} through {@code PaymentEvent.Builder.email}; the key and the
 * site come from {@link #keyed}, which {@code NormalizeWebhooks} wraps around each parse, so no
 * parser needs to know about keys and nothing is kept in a static.
 */
public final class EmailHash {
  private static final String SITE_KEY_CONTEXT = "tributary-email-v1|";
  private static final ThreadLocal<Key> CURRENT = new ThreadLocal<>();

  private EmailHash() {}

  private record Key(byte[] deploymentKey, String siteId) {}

  /** Runs {@code work} with emails hashed under {@code deploymentKey} for {@code siteId}. */
  public static <T> T keyed(String deploymentKey, String siteId, Supplier<T> work) {
    if (deploymentKey == null || deploymentKey.isEmpty()) {
      return work.get();
    }
    Key previous = CURRENT.get();
    CURRENT.set(new Key(deploymentKey.getBytes(StandardCharsets.UTF_8), siteId));
    try {
      return work.get();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }

  /** The hash under the current key (see {@link #keyed}), or null for no email. */
  public static String of(String email) {
    Key key = CURRENT.get();
    return key == null ? of(null, null, email) : of(key.deploymentKey(), key.siteId(), email);
  }

  /**
   * The hash of {@code email} for {@code siteId}; bare SHA-256 when {@code deploymentKey} is null.
   */
  public static String of(byte[] deploymentKey, String siteId, String email) {
    if (email == null) {
      return null;
    }
    String normalized = email.trim().toLowerCase(Locale.ROOT);
    if (!isEmail(normalized)) {
      return null;
    }
    byte[] bytes = normalized.getBytes(StandardCharsets.UTF_8);
    try {
      if (deploymentKey == null) {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      }
      byte[] siteKey =
          hmac(deploymentKey, (SITE_KEY_CONTEXT + siteId).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hmac(siteKey, bytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 and HmacSHA256 are always available", e);
    }
  }

  /**
   * Whether {@code email}, trimmed, is an address: its last {@code @} has something before and
   * after it. Deliberately loose: the hash only has to match the payment's, and providers have
   * validated that address already.
   */
  public static boolean isEmail(String email) {
    if (email == null) {
      return false;
    }
    String trimmed = email.trim();
    int at = trimmed.lastIndexOf('@');
    return at > 0 && at < trimmed.length() - 1;
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }
}
