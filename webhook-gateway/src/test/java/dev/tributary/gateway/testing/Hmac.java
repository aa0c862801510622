package dev.tributary.gateway.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 (and Paystack's HMAC-SHA512) written out in the tests, independently of the gateway's
 * verifiers, so that signed test requests follow each provider's documented recipe rather than our
 * own implementation.
 */
public final class Hmac {

  private Hmac() {}

  public static byte[] sha256(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] sha512(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA512");
      mac.init(new SecretKeySpec(key, "HmacSHA512"));
      return mac.doFinal(message);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Hex HMAC-SHA512 of {@code message} keyed with the UTF-8 bytes of {@code secret} (Paystack). */
  public static String hex512(String secret, byte[] message) {
    return HexFormat.of().formatHex(sha512(utf8(secret), message));
  }

  /** Hex HMAC of {@code message} keyed with the UTF-8 bytes of {@code secret}. */
  public static String hex(String secret, byte[] message) {
    return HexFormat.of().formatHex(sha256(utf8(secret), message));
  }

  /** Base64 HMAC of {@code message} under raw {@code key} bytes. */
  public static String base64(byte[] key, byte[] message) {
    return Base64.getEncoder().encodeToString(sha256(key, message));
  }

  /** {@code prefix} followed by {@code body}, as signed content. */
  public static byte[] concat(String prefix, byte[] body) {
    byte[] head = utf8(prefix);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  public static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A copy of {@code bytes} with its last byte changed (ASCII stays ASCII). */
  public static byte[] tampered(byte[] bytes) {
    byte[] copy = bytes.clone();
    copy[copy.length - 1] ^= 1;
    return copy;
  }
}
