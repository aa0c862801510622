package dev.tributary.gateway.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The only form in which an identify call's email leaves the gateway: lower-case hex SHA-256 of the
 * trimmed, lower-cased address. The job hashes payment emails exactly the same way (its {@code
 * identity.EmailHash}); the modules share no code, so a change here must be made there too.
 */
final class EmailHash {

  private EmailHash() {}

  static String of(String email) {
    String normalized = email.trim().toLowerCase(Locale.ROOT);
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(normalized.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
