package dev.tributary.gateway.verify;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The primitives every signing scheme shares: HMAC-SHA256 (and HMAC-SHA512, Paystack's) over
 * several parts, SHA-256, hex, and a constant-time "does any presented signature equal any expected
 * one".
 */
final class Signing {

  private static final String HMAC_SHA256 = "HmacSHA256";
  private static final String HMAC_SHA512 = "HmacSHA512";

  private Signing() {}

  /** HMAC-SHA256 of the concatenated {@code parts} under {@code key} (which must not be empty). */
  static byte[] hmacSha256(byte[] key, byte[]... parts) {
    return hmac(HMAC_SHA256, key, parts);
  }

  /** HMAC-SHA512 of the concatenated {@code parts} under {@code key} (which must not be empty). */
  static byte[] hmacSha512(byte[] key, byte[]... parts) {
    return hmac(HMAC_SHA512, key, parts);
  }

  private static byte[] hmac(String algorithm, byte[] key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key, algorithm));
      for (byte[] part : parts) {
        mac.update(part);
      }
      return mac.doFinal();
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Whether any presented value equals any expected value. Every pair is compared, without stopping
   * at a match, so the answer time says nothing about which secret or which signature matched. Each
   * comparison is {@link MessageDigest#isEqual}, constant-time for equal lengths; a length
   * difference only reveals the length of a public format (hex or base64 of a 32- or 64-byte MAC).
   */
  static boolean anyEqual(List<byte[]> expected, List<byte[]> presented) {
    boolean matched = false;
    for (byte[] mine : expected) {
      for (byte[] theirs : presented) {
        matched |= MessageDigest.isEqual(mine, theirs);
      }
    }
    return matched;
  }
}
