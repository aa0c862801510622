package dev.tributary.job.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The only form in which an email leaves a parser: SHA-256 of the trimmed, lower-cased address, as
 * hex. Identify calls and payments hash the same way, so they can be matched without the warehouse
 * ever holding an address.
 */
public final class EmailHash {
  private EmailHash() {}

  /** The hash, or null for a null/blank input or one without an '@'. */
  public static String of(String email) {
    if (email == null) {
      return null;
    }
    String normalized = email.trim().toLowerCase(Locale.ROOT);
    if (normalized.isEmpty() || normalized.indexOf('@') < 1) {
      return null;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(normalized.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
