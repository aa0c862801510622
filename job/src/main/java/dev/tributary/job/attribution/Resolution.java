package dev.tributary.job.attribution;

/**
 * How a payment was linked to a visitor, for the {@code payments} row.
 *
 * @param method metadata | customer | email | timestamp | unattributed
 * @param confidence high | medium | low | ambiguous | none
 * @param candidates how many visitors the credit could belong to (0 when unattributed)
 * @param reason a short sentence a person can read
 */
public record Resolution(String method, String confidence, int candidates, String reason) {

  public static Resolution metadata(String reason) {
    return new Resolution("metadata", "high", 1, reason);
  }

  /** How a payment whose visitor is known was linked, from its {@code linkMethod}. */
  public static Resolution linked(String linkMethod, String detail) {
    return switch (linkMethod == null ? "metadata" : linkMethod) {
      case "customer" ->
          new Resolution(
              "customer",
              "high",
              1,
              "an earlier payment of this customer named the visitor; " + detail);
      case "email" ->
          new Resolution(
              "email",
              "medium",
              1,
              "the payer's email matches a verified identify call (the site's server) or an"
                  + " earlier payment that named the visitor; "
                  + detail);
      case "email-unverified" ->
          new Resolution(
              "email",
              "low",
              1,
              "the payer's email matches an identify call of the public tracker made before the"
                  + " payment (unverified); "
                  + detail);
      case "timestamp" ->
          new Resolution(
              "timestamp", "low", 1, "the only visitor active on the site just before; " + detail);
      default -> metadata("visitor named in payment metadata; " + detail);
    };
  }

  /** Several visitors were active just before the payment: the credit is split evenly. */
  public static Resolution ambiguous(int candidates, java.time.Duration window) {
    return new Resolution(
        "timestamp",
        "ambiguous",
        candidates,
        candidates
            + " visitors active on the site within "
            + window.toMinutes()
            + " min before the payment; credit split evenly");
  }

  public static Resolution unattributed(String reason) {
    return new Resolution("unattributed", "none", 0, reason);
  }
}
