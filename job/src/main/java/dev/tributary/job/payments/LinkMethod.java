package dev.tributary.job.payments;

/**
 * How a payment was linked to its visitor, and how sure that is: the one list of link methods, each
 * with the {@code payments.method} and {@code payments.confidence} it is booked as and its rank. A
 * re-attribution never goes down the ranks; the identity stages keep the stronger of two links.
 *
 * <p>Stored records keep the plain strings ({@link PaymentEvent#linkMethod()} holds {@link
 * #code()}, the ledger's {@code Resolution} holds method and confidence): changing a stored field's
 * type would be a state migration.
 */
public enum LinkMethod {
  /** No visitor. */
  UNATTRIBUTED(null, "unattributed", "none", 0),
  /** Several visitors were active just before the payment: the credit is split between them. */
  TIMESTAMP_AMBIGUOUS(null, "timestamp", "ambiguous", 1),
  /** The only visitor active on the site just before the payment. */
  TIMESTAMP("timestamp", "timestamp", "low", 2),
  /**
   * No visitor, but the order itself says where its buyer came from: the landing page's utm tags
   * and the referring site a store recorded with the order (Shopify's {@code landing_site} and
   * {@code referring_site}). A touch without a visitor; stronger than a guess by time.
   */
  LANDING_PAGE(null, "landing_page", "low", 3),
  /**
   * No visitor, but the payer used a promotion code the site mapped to a campaign ({@code
   * promo_codes}): credited to that campaign. Booked by the warehouse, which holds the codes (V11),
   * in place of the links below it; the links above it replace it when they arrive. Its confidence,
   * {@code campaign}, says that the campaign is known and the visitor is not.
   */
  PROMO_CODE(null, "promo_code", "campaign", 4),
  /**
   * An identify call of the public tracker (anyone can send one with any email), made before the
   * payment.
   */
  EMAIL_UNVERIFIED("email-unverified", "email", "low", 5),
  /** A verified identify call (the site's server), or an earlier payment that named the visitor. */
  EMAIL("email", "email", "medium", 6),
  /** An earlier payment of the same provider customer named the visitor. */
  CUSTOMER("customer", "customer", "high", 7),
  /** The payment's metadata named the visitor or its session. */
  METADATA("metadata", "metadata", "high", 8);

  private final String code;
  private final String method;
  private final String confidence;
  private final int rank;

  LinkMethod(String code, String method, String confidence, int rank) {
    this.code = code;
    this.method = method;
    this.confidence = confidence;
    this.rank = rank;
  }

  /** The value of {@link PaymentEvent#linkMethod()}; null for the links a payment never carries. */
  public String code() {
    return code;
  }

  /** {@code payments.method}. */
  public String method() {
    return method;
  }

  /** {@code payments.confidence}. */
  public String confidence() {
    return confidence;
  }

  /** Higher is stronger. */
  public int rank() {
    return rank;
  }

  /** The link a {@link PaymentEvent#linkMethod()} names; null for null or an unknown code. */
  public static LinkMethod ofCode(String code) {
    if (code != null) {
      for (LinkMethod l : values()) {
        if (code.equals(l.code)) {
          return l;
        }
      }
    }
    return null;
  }

  /** The link booked as {@code method} / {@code confidence}; null when there is none. */
  public static LinkMethod of(String method, String confidence) {
    for (LinkMethod l : values()) {
      if (l.method.equals(method) && l.confidence.equals(confidence)) {
        return l;
      }
    }
    return null;
  }
}
