package dev.tributary.gateway.verify;

import java.util.Objects;

/**
 * The outcome of checking a webhook's signature. A failure carries a short reason, safe to return
 * to the caller (it never contains a secret or an expected signature), and says whether the request
 * was malformed (HTTP 400) or not authentic (HTTP 401).
 *
 * @param outcome what happened
 * @param reason a short explanation; empty when valid
 */
public record Verification(Outcome outcome, String reason) {

  /** The three ways a verification can end. */
  public enum Outcome {
    /** Authentic and fresh. */
    VALID,
    /** The signature header is missing or cannot be parsed: answer 400. */
    MALFORMED,
    /** Well formed but no signature matches, or the timestamp is out of tolerance: answer 401. */
    REJECTED
  }

  private static final Verification VALID = new Verification(Outcome.VALID, "");

  public Verification {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(reason, "reason");
  }

  public static Verification valid() {
    return VALID;
  }

  public static Verification malformed(String reason) {
    return new Verification(Outcome.MALFORMED, reason);
  }

  public static Verification rejected(String reason) {
    return new Verification(Outcome.REJECTED, reason);
  }

  public boolean isValid() {
    return outcome == Outcome.VALID;
  }

  /** The HTTP status a failed verification should be answered with; 200 when valid. */
  public int httpStatus() {
    return switch (outcome) {
      case VALID -> 200;
      case MALFORMED -> 400;
      case REJECTED -> 401;
    };
  }
}
