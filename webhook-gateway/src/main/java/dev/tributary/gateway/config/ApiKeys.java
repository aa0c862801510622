package dev.tributary.gateway.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * How API keys are held in memory: as {@code sha256:<64 hex>} of their UTF-8 bytes, so that a heap
 * dump or a stray log line never shows a usable key, and compared in constant time; and what a
 * plain key must look like to be accepted at all ({@link #weakness}).
 */
public final class ApiKeys {

  /** The shortest plain key: 32 characters (e.g. {@code openssl rand -hex 32} gives 64). */
  public static final int MIN_LENGTH = 32;

  /**
   * The fewest different characters in a plain key. A random 32-character key has fewer than 6 with
   * a probability of about 6e-8 even from decimal digits alone, 3e-13 from hex.
   */
  public static final int MIN_DISTINCT_CHARACTERS = 6;

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

  /**
   * Why {@code plainKey} is too weak to be an API key, or null if it is acceptable. The rule: at
   * least {@link #MIN_LENGTH} characters, none of them white space or a control character; at least
   * {@link #MIN_DISTINCT_CHARACTERS} different characters; not a shorter block repeated ({@code
   * abcabc…}); and not a run: more than half of the neighbouring characters stepping up by one, or
   * more than half stepping down by one ({@code abcdef…}, {@code 98765…}). This catches
   * placeholders and patterns, not every guessable key: generate keys (e.g. {@code openssl rand
   * -hex 32}). The answer never quotes the key.
   */
  public static String weakness(String plainKey) {
    int length = plainKey.length();
    if (length < MIN_LENGTH) {
      return "is shorter than " + MIN_LENGTH + " characters";
    }
    if (plainKey.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      return "contains white space or control characters";
    }
    if (plainKey.chars().distinct().count() < MIN_DISTINCT_CHARACTERS) {
      return "has fewer than " + MIN_DISTINCT_CHARACTERS + " different characters";
    }
    for (int period = 1; period <= length / 2; period++) {
      if (repeatsWithPeriod(plainKey, period)) {
        return "is a shorter sequence repeated";
      }
    }
    int up = 0;
    int down = 0;
    for (int i = 1; i < length; i++) {
      int step = plainKey.charAt(i) - plainKey.charAt(i - 1);
      up += step == 1 ? 1 : 0;
      down += step == -1 ? 1 : 0;
    }
    if (Math.max(up, down) * 2 > length - 1) {
      return "is mostly a run of consecutive characters";
    }
    return null;
  }

  private static boolean repeatsWithPeriod(String key, int period) {
    for (int i = period; i < key.length(); i++) {
      if (key.charAt(i) != key.charAt(i - period)) {
        return false;
      }
    }
    return true;
  }

  /** Constant-time comparison of two stored forms. */
  public static boolean sameHash(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }
}
