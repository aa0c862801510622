package dev.tributary.gateway.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * How API keys are held in memory: as {@code sha256:<64 hex>} of their UTF-8 bytes, so that a heap
 * dump or a stray log line never shows a usable key, and compared in constant time.
 */
public final class ApiKeys {

  private static final String PREFIX = "sha256:";
  private static final Pattern HASH = Pattern.compile("sha256:[0-9a-f]{64}");

  private ApiKeys() {}

  /** The stored form of a plain key. */
  public static String hash(String plainKey) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(plainKey.getBytes(StandardCharsets.UTF_8));
      return PREFIX + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Whether a configured value is already in stored form. */
  public static boolean isHash(String value) {
    return HASH.matcher(value).matches();
  }

  /** Constant-time comparison of two stored forms. */
  public static boolean sameHash(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }
}
