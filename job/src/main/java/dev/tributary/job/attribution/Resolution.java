package dev.tributary.job.attribution;

/**
 * How a payment was linked to a visitor, for the {@code payments} row.
 *
 * @param method metadata | unattributed (customer, email and timestamp arrive with issue 4)
 * @param confidence high | medium | low | ambiguous | none
 * @param candidates how many visitors the credit could belong to (0 when unattributed)
 * @param reason a short sentence a person can read
 */
public record Resolution(String method, String confidence, int candidates, String reason) {

  public static Resolution metadata(String reason) {
    return new Resolution("metadata", "high", 1, reason);
  }

  public static Resolution unattributed(String reason) {
    return new Resolution("unattributed", "none", 0, reason);
  }
}
