package dev.tributary.job.attribution;

import dev.tributary.job.payments.LinkMethod;

/**
 * How a payment was linked to a visitor, for the {@code payments} row.
 *
 * @param method metadata | customer | email | promo_code | landing_page | timestamp | unattributed
 * @param confidence high | medium | low | campaign | ambiguous | none
 * @param candidates how many visitors the credit could belong to (0 when no visitor is known:
 *     unattributed, or credited to the order's landing page)
 * @param reason a short sentence a person can read
 */
public record Resolution(String method, String confidence, int candidates, String reason) {

  private static Resolution of(LinkMethod link, int candidates, String reason) {
    return new Resolution(link.method(), link.confidence(), candidates, reason);
  }

  public static Resolution metadata(String reason) {
    return of(LinkMethod.METADATA, 1, reason);
  }

  /**
   * How a payment whose visitor is known was linked, from its {@code linkMethod} (a payment whose
   * visitor came with it, without a link method, was linked by its metadata).
   */
  public static Resolution linked(String linkMethod, String detail) {
    LinkMethod link = linkMethod == null ? LinkMethod.METADATA : LinkMethod.ofCode(linkMethod);
    if (link == null) {
      link = LinkMethod.METADATA;
    }
    String why =
        switch (link) {
          case CUSTOMER -> "an earlier payment of this customer named the visitor; ";
          case EMAIL ->
              "the payer's email matches a verified identify call (the site's server) or an"
                  + " earlier payment that named the visitor; ";
          case EMAIL_UNVERIFIED ->
              "the payer's email matches an identify call of the public tracker made before the"
                  + " payment (unverified); ";
          case TIMESTAMP -> "the only visitor active on the site just before; ";
          default -> "visitor named in payment metadata; ";
        };
    return of(link, 1, why + detail);
  }

  /** Several visitors were active just before the payment: the credit is split evenly. */
  public static Resolution ambiguous(int candidates, java.time.Duration window) {
    return of(
        LinkMethod.TIMESTAMP_AMBIGUOUS,
        candidates,
        candidates
            + " visitors active on the site within "
            + window.toMinutes()
            + " min before the payment; credit split evenly");
  }

  /**
   * No visitor, but the order's own landing page and referrer make a touch ({@link
   * LandingEvidence}): credited to it, with no visitor and no session.
   */
  public static Resolution landingPage(String reason) {
    return of(LinkMethod.LANDING_PAGE, 0, reason);
  }

  public static Resolution unattributed(String reason) {
    return of(LinkMethod.UNATTRIBUTED, 0, reason);
  }

  /** The rank of this link ({@link LinkMethod#rank()}); 0 for a pair no link method books. */
  public int rank() {
    LinkMethod link = LinkMethod.of(method, confidence);
    return link == null ? 0 : link.rank();
  }
}
