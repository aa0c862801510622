package dev.tributary.job.payments;

import dev.tributary.job.base.MalformedPayloadException;

/**
 * The canonical form of one provider event about money going back: a refund or a chargeback of a
 * payment identified by the same {@link #paymentKey} its {@link PaymentEvent} has.
 *
 * <p>Providers report refunds in three shapes, kept apart so that none is double counted:
 *
 * <ul>
 *   <li>one refund with its own id ({@code refundKey} set, {@code cumulative} false): Stripe {@code
 *       refund.created}, Razorpay {@code refund.processed}, Paddle adjustments, Polar, Dodo,
 *       Shopify {@code refunds/create};
 *   <li>the total refunded so far on the payment ({@code cumulative} true, {@code refundKey} null):
 *       Stripe {@code charge.refunded}'s {@code amount_refunded}, Lemon Squeezy's {@code
 *       refunded_amount}, the sum of a WooCommerce order's {@code refunds};
 *   <li>"refunded" without an amount ({@code full} true, amount 0): Gumroad's refund ping.
 * </ul>
 *
 * @param kind refund | chargeback
 */
public record RefundEvent(
    String siteId,
    String provider,
    String paymentKey,
    String refundKey,
    String eventId,
    String eventType,
    String kind,
    long amountMinor,
    boolean cumulative,
    boolean full,
    String currency,
    int currencyExponent,
    long occurredAtMillis,
    long receivedAtMillis,
    boolean livemode) {

  /** This refund with another time it happened (a time beyond belief clamped). */
  public RefundEvent withOccurredAt(long millis) {
    Builder b = new Builder(this);
    b.occurredAtMillis = millis;
    return b.make();
  }

  public static final String REFUND = "refund";
  public static final String CHARGEBACK = "chargeback";

  /**
   * A chargeback the merchant won: the disputed money came back ({@code refundKey} is the dispute's
   * id). Never a row of the {@code refunds} table; it takes its dispute out of the total.
   */
  public static final String REINSTATEMENT = "reinstatement";

  public static Builder builder() {
    return new Builder();
  }

  /** Same key as the payment's consolidation key: refunds meet their payment there. */
  public String paymentConsolidationKey() {
    return siteId + '|' + provider + '|' + paymentKey;
  }

  /** Fluent construction for parsers; {@link #build()} checks the shape rules above. */
  public static final class Builder {
    private String siteId;
    private String provider;
    private String paymentKey;
    private String refundKey;
    private String eventId;
    private String eventType;
    private String kind = REFUND;
    private long amountMinor = -1;
    private boolean cumulative;
    private boolean full;
    private String currency;
    private int currencyExponent = -1;
    private long occurredAtMillis;
    private long receivedAtMillis;
    private boolean livemode = true;

    private Builder() {}

    /** A copy of {@code e}, to change a field: the one place besides the builder's own fields. */
    private Builder(RefundEvent e) {
      siteId = e.siteId;
      provider = e.provider;
      paymentKey = e.paymentKey;
      refundKey = e.refundKey;
      eventId = e.eventId;
      eventType = e.eventType;
      kind = e.kind;
      amountMinor = e.amountMinor;
      cumulative = e.cumulative;
      full = e.full;
      currency = e.currency;
      currencyExponent = e.currencyExponent;
      occurredAtMillis = e.occurredAtMillis;
      receivedAtMillis = e.receivedAtMillis;
      livemode = e.livemode;
    }

    /** Site, provider, event id and both times from the gateway's envelope. */
    public Builder envelope(WebhookEnvelope e) {
      siteId = e.siteId();
      provider = e.provider();
      eventId = e.deliveryId();
      receivedAtMillis = e.receivedAtMillis();
      occurredAtMillis = e.receivedAtMillis();
      return this;
    }

    /** The provider whose money this is, when not the envelope's (a Payment API report). */
    public Builder provider(String v) {
      provider = v;
      return this;
    }

    public Builder paymentKey(String v) {
      paymentKey = v;
      return this;
    }

    /** One refund with its own id. */
    public Builder refundKey(String v) {
      refundKey = v;
      return this;
    }

    public Builder eventId(String v) {
      eventId = v;
      return this;
    }

    public Builder eventType(String v) {
      eventType = v;
      return this;
    }

    /** A won dispute: its chargeback's money came back. */
    public Builder reinstatement() {
      kind = REINSTATEMENT;
      return this;
    }

    public Builder chargeback() {
      kind = CHARGEBACK;
      return this;
    }

    public Builder amount(long minor, String currency, int exponent) {
      this.amountMinor = minor;
      this.currency = CurrencyExponents.normalize(currency);
      this.currencyExponent = exponent;
      return this;
    }

    /** The amount is the total refunded so far on the payment, not this refund's. */
    public Builder cumulative() {
      cumulative = true;
      return this;
    }

    /** The whole payment was refunded and the provider gives no amount. */
    public Builder fullRefundOf(String currency, int exponent) {
      this.full = true;
      this.amountMinor = 0;
      this.currency = currency == null ? null : CurrencyExponents.normalize(currency);
      this.currencyExponent = exponent;
      return this;
    }

    public Builder occurredAtMillis(long v) {
      occurredAtMillis = v;
      return this;
    }

    public Builder livemode(boolean v) {
      livemode = v;
      return this;
    }

    public RefundEvent build() {
      String what = provider == null ? "refund" : provider + " refund";
      if (siteId == null || provider == null || eventId == null || eventType == null) {
        throw new MalformedPayloadException(what + " lacks its envelope fields");
      }
      if (paymentKey == null || paymentKey.isBlank()) {
        throw new MalformedPayloadException(what + " names no payment");
      }
      if (!full && (amountMinor <= 0 && !(cumulative && amountMinor == 0))) {
        throw new MalformedPayloadException(what + " amount is missing or not positive");
      }
      if (amountMinor > PaymentEvent.MAX_AMOUNT_MINOR) {
        throw new MalformedPayloadException(what + " amount is beyond any real payment");
      }
      if (!cumulative && !full && (refundKey == null || refundKey.isBlank())) {
        throw new MalformedPayloadException(what + " has no refund id");
      }
      if (currency == null && !full) {
        throw new MalformedPayloadException(what + " has no currency");
      }
      return make();
    }

    private RefundEvent make() {
      return new RefundEvent(
          siteId,
          provider,
          paymentKey,
          refundKey,
          eventId,
          eventType,
          kind,
          amountMinor,
          cumulative,
          full,
          currency,
          currencyExponent,
          occurredAtMillis,
          receivedAtMillis,
          livemode);
    }
  }
}
