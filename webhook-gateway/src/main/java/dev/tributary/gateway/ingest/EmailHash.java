package dev.tributary.gateway.ingest;

import dev.tributary.gateway.config.GatewayConfig.EmailHashKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The only form in which an identify call's email leaves the gateway. The rule, which the job
 * applies to payment emails (its {@code base.EmailHash}; the modules share no code, so both test
 * the same vectors, {@code job/src/test/resources/fixtures/tributary/email_hash_vectors.json}):
 *
 * <ol>
 *   <li>normalize: trim, lower-case ({@link Locale#ROOT}); text whose last {@code @} has nothing
 *       before or after it is no email ({@link #isEmail}), and hashes to null;
 *   <li>with the deployment key {@code K}: site key {@code HMAC-SHA256(K, "tributary-email-v1|" +
 *       siteId)}, hash {@code HMAC-SHA256(siteKey, normalized)}, lower-case hex — not reversible
 *       with an email list, and different on every site;
 *   <li>without a key: bare SHA-256 of the normalized address (versions before 0.2).
 * </ol>
 */
final class EmailHash {
  private static final String SITE_KEY_CONTEXT = "tributary-email-v1|";

  private EmailHash() {}

  /**
   * The hash of {@code email} for {@code siteId}, or null when it is no email ({@link #isEmail}).
   */
  static String of(EmailHashKey key, String siteId, String email) {
    if (!isEmail(email)) {
      return null;
    }
    byte[] normalized = email.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    try {
      if (key == null || !key.isSet()) {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(normalized));
      }
      byte[] siteKey =
          hmac(
              key.value().getBytes(StandardCharsets.UTF_8),
              (SITE_KEY_CONTEXT + siteId).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hmac(siteKey, normalized));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 and HmacSHA256 are always available", e);
    }
  }

  /**
   * Whether {@code email}, trimmed, is an address: its last {@code @} has something before and
   * after it. Deliberately loose: the hash only has to equal the one of the payment's email, and
   * providers have validated that address already.
   */
  static boolean isEmail(String email) {
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
