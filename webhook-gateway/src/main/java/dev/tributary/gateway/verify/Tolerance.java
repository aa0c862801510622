package dev.tributary.gateway.verify;

import java.time.Duration;
import java.time.Instant;

/**
 * How far a signed timestamp may be from our clock, in either direction. Checking both directions
 * means a leaked signature dated in the future cannot be replayed for longer than the window.
 *
 * @param window the allowed distance; zero turns the check off (only for replaying recorded test
 *     vectors, never in the service)
 */
record Tolerance(Duration window) {

  Tolerance {
    if (window == null || window.isNegative()) {
      throw new IllegalArgumentException("tolerance must not be negative");
    }
  }

  /** Whether {@code unixSeconds} is close enough to {@code now}. */
  boolean accepts(long unixSeconds, Instant now) {
    if (window.isZero()) {
      return true;
    }
    // Written without subtracting the untrusted timestamp, which could overflow.
    long seconds = now.getEpochSecond();
    return unixSeconds >= seconds - window.getSeconds()
        && unixSeconds <= seconds + window.getSeconds();
  }

  /** A Unix timestamp in seconds as the schemes send it (decimal digits), or null. */
  static Long parseSeconds(String value) {
    if (value == null) {
      return null;
    }
    String trimmed = value.trim();
    if (trimmed.isEmpty() || trimmed.length() > 19 || !trimmed.chars().allMatch(Tolerance::digit)) {
      return null;
    }
    try {
      return Long.parseLong(trimmed);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean digit(int c) {
    return c >= '0' && c <= '9';
  }
}
