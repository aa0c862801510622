package dev.tributary.job.payments;

import dev.tributary.job.base.MalformedPayloadException;
import dev.tributary.job.base.Text;
import dev.tributary.job.sessions.UrlHygiene;

/**
 * The canonical form of one provider event about money coming in, whatever the provider.
 *
 * <p>Amounts are exact integers in the currency's minor unit as the provider counts it ({@code
 * currencyExponent} digits: Stripe's JPY is 0, USD 2, KWD 3). Several events describe the same
 * payment; {@link #paymentKey} is the one id they share (Stripe: the PaymentIntent id) and {@link
 * ConsolidatePayments} merges them. Build one with {@link #builder()}.
 *
 * @param eventId the provider's event id (or the gateway's delivery id); unique per event
 * @param occurredAtMillis when the money moved, per the provider
 * @param receivedAtMillis when the gateway received the webhook
 * @param emailHash SHA-256 of the normalized payer email, never the email itself
 * @param subscriptionId the provider's subscription the payment belongs to, if any
 * @param renewal true for a recurring charge of an existing subscription (not its first payment)
 * @param livemode false for the provider's test mode; kept, and flagged in the warehouse
 * @param linkKey another id under which the provider reports the same money (Stripe: the invoice
 *     id). With a {@code paymentKey} the event links the two ids; without one (Stripe's invoice
 *     events since API 2025-03-31) the event waits in {@link LinkPaymentKeys} until a link names
 *     its payment key.
 * @param linkMethod how {@code visitorId} was found: {@code metadata} (the checkout named the
 *     visitor), {@code customer} (an earlier payment of the same provider customer), {@code email}
 *     (an identify call with the payer's email), {@code timestamp} (the only visitor active on the
 *     site just before the payment); null while no visitor is known
 * @param conflicts what the events about this money disagreed on, comma-separated ({@code amount},
 *     {@code currency}, {@code livemode}); null when they agreed. The merge rule of {@link
 *     #mergedWith} decides which value stands; this says that another one was reported.
 * @param promoCode the promotion code, coupon or discount the payer used, as the provider names it
 *     (an id stays an id: Stripe's {@code promo_…}, Paddle's {@code dsc_…}); the first when there
 *     were several; null without one (and in state restored from before the field existed)
 * @param landingUrl the page the buyer landed on when their visit began, as the store recorded it
 *     with the order (Shopify's {@code landing_site}: a path such as {@code /products/x?utm_…} or a
 *     whole address), kept as {@link UrlHygiene#page} keeps a page; null without one
 * @param referrerUrl the site that sent the buyer, as the store recorded it (Shopify's {@code
 *     referring_site}), kept as {@link UrlHygiene#referrer} keeps a referrer; null without one
 */
public record PaymentEvent(
    String siteId,
    String provider,
    String paymentKey,
    String eventId,
    String eventType,
    long amountMinor,
    String currency,
    int currencyExponent,
    long occurredAtMillis,
    long receivedAtMillis,
    String visitorId,
    String sessionId,
    String customerId,
    String emailHash,
    String subscriptionId,
    boolean renewal,
    boolean livemode,
    String linkKey,
    String linkMethod,
    String conflicts,
    String promoCode,
    String landingUrl,
    String referrerUrl) {

  /** The longest promotion code kept; a longer one is cut (no provider issues codes this long). */
  public static final int MAX_PROMO_CODE_LENGTH = 100;

  /** The longest landing or referrer address kept; a longer one is cut. */
  public static final int MAX_URL_LENGTH = 2_000;

  /**
   * An event without a promotion code or landing evidence (the fields before {@link #promoCode},
   * {@link #landingUrl} and {@link #referrerUrl} were added).
   */
  public PaymentEvent(
      String siteId,
      String provider,
      String paymentKey,
      String eventId,
      String eventType,
      long amountMinor,
      String currency,
      int currencyExponent,
      long occurredAtMillis,
      long receivedAtMillis,
      String visitorId,
      String sessionId,
      String customerId,
      String emailHash,
      String subscriptionId,
      boolean renewal,
      boolean livemode,
      String linkKey,
      String linkMethod,
      String conflicts) {
    this(
        siteId,
        provider,
        paymentKey,
        eventId,
        eventType,
        amountMinor,
        currency,
        currencyExponent,
        occurredAtMillis,
        receivedAtMillis,
        visitorId,
        sessionId,
        customerId,
        emailHash,
        subscriptionId,
        renewal,
        livemode,
        linkKey,
        linkMethod,
        conflicts,
        null,
        null,
        null);
  }

  /**
   * The largest amount the job books, in minor units (10^17: far above any real payment, and low
   * enough that the sums the ledger forms of one payment's refunds and credits stay exact in a
   * signed 64-bit integer). A larger one is refused as malformed, never wrapped.
   */
  public static final long MAX_AMOUNT_MINOR = 100_000_000_000_000_000L;

  /** Event types of Payment API reports start with this ({@code api.payment}). */
  public static final String API_EVENT_PREFIX = "api.";

  public static Builder builder() {
    return new Builder();
  }

  /** Key of the consolidation stage: the same money reported by several events. */
  public String consolidationKey() {
    return siteId + '|' + provider + '|' + paymentKey;
  }

  /** Key of the attribution stage: the visitor who paid. */
  public String visitorKey() {
    return siteId + '|' + visitorId;
  }

  public boolean linkedToVisitor() {
    return visitorId != null;
  }

  /** True when the payment key is still unknown and only {@link #linkKey} names the money. */
  public boolean awaitsPaymentKey() {
    return paymentKey == null;
  }

  /** True when this event tells which payment key {@link #linkKey} belongs to. */
  public boolean linksKeys() {
    return paymentKey != null && linkKey != null;
  }

  /** Key of {@link LinkPaymentKeys}: the same money under its other id. */
  public String linkStateKey() {
    return siteId + '|' + provider + '|' + linkKey;
  }

  /** This event, now known under {@code key}. */
  public PaymentEvent withPaymentKey(String key) {
    Copy c = new Copy(this);
    c.paymentKey = key;
    return c.build();
  }

  /** This event with another time the money moved (a time beyond belief clamped). */
  public PaymentEvent withOccurredAt(long millis) {
    Copy c = new Copy(this);
    c.occurredAtMillis = millis;
    return c.build();
  }

  /** This payment with what its reports disagreed on. */
  public PaymentEvent withConflicts(String disagreed) {
    Copy c = new Copy(this);
    c.conflicts = disagreed;
    return c.build();
  }

  /** This event under another id of its money; see {@link #linkKey()}. */
  public PaymentEvent withLinkKey(String key) {
    Copy c = new Copy(this);
    c.linkKey = key;
    return c.build();
  }

  /** This payment, linked to {@code visitor} by {@code method}. */
  public PaymentEvent withVisitor(String visitor, LinkMethod link) {
    Copy c = new Copy(this);
    c.visitorId = visitor;
    c.linkMethod = link.code();
    return c.build();
  }

  /**
   * Key of the customer link: the provider's customer id, else its subscription id; null when the
   * payment has neither.
   */
  public String customerKey() {
    if (customerId != null) {
      return siteId + '|' + provider + "|cus|" + customerId;
    }
    return subscriptionId == null ? null : siteId + '|' + provider + "|sub|" + subscriptionId;
  }

  /** Key of the email link; null without an email. */
  public String emailKey() {
    return emailHash == null ? null : siteId + '|' + emailHash;
  }

  /**
   * How strongly this version is linked: the {@link LinkMethod#rank()} of its link, 0 without one.
   */
  public int linkStrength() {
    LinkMethod link = LinkMethod.ofCode(linkMethod);
    return link == null ? 0 : link.rank();
  }

  /** True for a report through the Payment API rather than the provider's own signed webhook. */
  public boolean fromPaymentApi() {
    return eventType.startsWith(API_EVENT_PREFIX);
  }

  /** True when the order recorded where its buyer landed or came from; see {@link #landingUrl}. */
  public boolean hasLandingEvidence() {
    return landingUrl != null || referrerUrl != null;
  }

  /** The session the checkout named, for resolving its visitor; null without one. */
  public String sessionKey() {
    return sessionId == null ? null : siteId + '|' + sessionId;
  }

  /**
   * Folds another event about the same payment into this one. The event that stands for the money
   * (its id, type, time, amount, currency and mode) is the provider's signed webhook over a Payment
   * API report, then the earliest, then the smallest event id; fields it lacks (links, email,
   * customer) are taken from the other. A value the other reported differently is named in {@link
   * #conflicts}. The choice is a maximum under a total order and the rest are unions, so retries
   * and any arrival order merge to the same result.
   */
  public PaymentEvent mergedWith(PaymentEvent other) {
    PaymentEvent first = standsBefore(this, other) ? this : other;
    PaymentEvent second = first == this ? other : this;
    long amount = first.amountMinor != 0 ? first.amountMinor : second.amountMinor;
    boolean livemode =
        first.fromPaymentApi() == second.fromPaymentApi()
            ? first.livemode && second.livemode
            : first.livemode;
    java.util.TreeSet<String> disagreed = new java.util.TreeSet<>();
    addAll(disagreed, first.conflicts);
    addAll(disagreed, second.conflicts);
    if (first.amountMinor != 0 && second.amountMinor != 0 && !sameMoney(first, second)) {
      disagreed.add("amount");
    }
    if (!first.currency.equals(second.currency)) {
      disagreed.add("currency");
    }
    if (first.livemode != second.livemode) {
      disagreed.add("livemode");
    }
    Copy c = new Copy(first);
    c.amountMinor = amount;
    c.receivedAtMillis = Math.min(receivedAtMillis, other.receivedAtMillis);
    c.visitorId = coalesce(first.visitorId, second.visitorId);
    c.sessionId = coalesce(first.sessionId, second.sessionId);
    c.customerId = coalesce(first.customerId, second.customerId);
    c.emailHash = coalesce(first.emailHash, second.emailHash);
    c.subscriptionId = coalesce(first.subscriptionId, second.subscriptionId);
    c.renewal = first.renewal || second.renewal;
    c.livemode = livemode;
    c.linkKey = coalesce(first.linkKey, second.linkKey);
    c.linkMethod = first.visitorId != null ? first.linkMethod : second.linkMethod;
    c.conflicts = disagreed.isEmpty() ? null : String.join(",", disagreed);
    c.promoCode = coalesce(first.promoCode, second.promoCode);
    c.landingUrl = coalesce(first.landingUrl, second.landingUrl);
    c.referrerUrl = coalesce(first.referrerUrl, second.referrerUrl);
    return c.build();
  }

  /**
   * The order of {@link #mergedWith}: signed webhook, then earlier, then smaller event id. A total
   * order, so "the event that stands" converges whatever order the events arrive in.
   */
  public static boolean standsBefore(PaymentEvent a, PaymentEvent b) {
    if (a.fromPaymentApi() != b.fromPaymentApi()) {
      return !a.fromPaymentApi();
    }
    return a.occurredAtMillis < b.occurredAtMillis
        || (a.occurredAtMillis == b.occurredAtMillis && a.eventId.compareTo(b.eventId) <= 0);
  }

  /** The same amount of the same currency, whatever exponent each event counted it in. */
  private static boolean sameMoney(PaymentEvent a, PaymentEvent b) {
    return a.currency.equals(b.currency)
        && java.math.BigDecimal.valueOf(a.amountMinor, a.currencyExponent)
                .compareTo(java.math.BigDecimal.valueOf(b.amountMinor, b.currencyExponent))
            == 0;
  }

  private static void addAll(java.util.Set<String> into, String commaSeparated) {
    if (commaSeparated != null) {
      into.addAll(java.util.List.of(commaSeparated.split(",")));
    }
  }

  /**
   * {@code value} without the characters the job does not keep ({@link Text#clean}) and the white
   * space around it, cut to {@code maxLength} characters (never between the two halves of a
   * surrogate pair); null for null or blank.
   */
  static String cleaned(String value, int maxLength) {
    if (value == null) {
      return null;
    }
    String clean = Text.clean(value).strip();
    if (clean.length() > maxLength) {
      int end = maxLength;
      if (Character.isHighSurrogate(clean.charAt(end - 1))) {
        end--;
      }
      clean = clean.substring(0, end).strip();
    }
    return clean.isEmpty() ? null : clean;
  }

  /** An address cleaned, then cut down by {@code hygiene}, then cut at {@link #MAX_URL_LENGTH}. */
  private static String address(String value, java.util.function.UnaryOperator<String> hygiene) {
    String clean = cleaned(value, Integer.MAX_VALUE);
    return clean == null ? null : cleaned(hygiene.apply(clean), MAX_URL_LENGTH);
  }

  private static String coalesce(String a, String b) {
    return a != null ? a : b;
  }

  /** The fields of an event, to change a few; the one place that lists them (the builder too). */
  private static class Copy {
    String siteId;
    String provider;
    String paymentKey;
    String eventId;
    String eventType;
    long amountMinor;
    String currency;
    int currencyExponent;
    long occurredAtMillis;
    long receivedAtMillis;
    String visitorId;
    String sessionId;
    String customerId;
    String emailHash;
    String subscriptionId;
    boolean renewal;
    boolean livemode;
    String linkKey;
    String linkMethod;
    String conflicts;
    String promoCode;
    String landingUrl;
    String referrerUrl;

    Copy() {}

    Copy(PaymentEvent e) {
      siteId = e.siteId;
      provider = e.provider;
      paymentKey = e.paymentKey;
      eventId = e.eventId;
      eventType = e.eventType;
      amountMinor = e.amountMinor;
      currency = e.currency;
      currencyExponent = e.currencyExponent;
      occurredAtMillis = e.occurredAtMillis;
      receivedAtMillis = e.receivedAtMillis;
      visitorId = e.visitorId;
      sessionId = e.sessionId;
      customerId = e.customerId;
      emailHash = e.emailHash;
      subscriptionId = e.subscriptionId;
      renewal = e.renewal;
      livemode = e.livemode;
      linkKey = e.linkKey;
      linkMethod = e.linkMethod;
      conflicts = e.conflicts;
      promoCode = e.promoCode;
      landingUrl = e.landingUrl;
      referrerUrl = e.referrerUrl;
    }

    PaymentEvent build() {
      return new PaymentEvent(
          siteId,
          provider,
          paymentKey,
          eventId,
          eventType,
          amountMinor,
          currency,
          currencyExponent,
          occurredAtMillis,
          receivedAtMillis,
          visitorId,
          sessionId,
          customerId,
          emailHash,
          subscriptionId,
          renewal,
          livemode,
          linkKey,
          linkMethod,
          conflicts,
          promoCode,
          landingUrl,
          referrerUrl);
    }
  }

  /** Fluent construction for parsers; {@link #build()} checks the fields every payment needs. */
  public static final class Builder extends Copy {
    private Builder() {
      amountMinor = -1;
      currencyExponent = -1;
      livemode = true;
    }

    /** Site, provider, event id and both times from the gateway's envelope. */
    public Builder envelope(WebhookEnvelope e) {
      this.siteId = e.siteId();
      this.provider = e.provider();
      this.eventId = e.deliveryId();
      this.receivedAtMillis = e.receivedAtMillis();
      this.occurredAtMillis = e.receivedAtMillis();
      return this;
    }

    public Builder provider(String v) {
      provider = v;
      return this;
    }

    public Builder paymentKey(String v) {
      paymentKey = v;
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

    /** The amount in minor units with the currency and the provider's exponent for it. */
    public Builder amount(long minor, String currency, int exponent) {
      this.amountMinor = minor;
      this.currency = CurrencyExponents.normalize(currency);
      this.currencyExponent = exponent;
      return this;
    }

    public Builder occurredAtMillis(long v) {
      occurredAtMillis = v;
      return this;
    }

    public Builder visitorId(String v) {
      visitorId = v;
      return this;
    }

    public Builder sessionId(String v) {
      sessionId = v;
      return this;
    }

    public Builder customerId(String v) {
      customerId = v;
      return this;
    }

    /** Hashes the address here, so that no raw email travels further than the parser. */
    public Builder email(String email) {
      emailHash = dev.tributary.job.base.EmailHash.of(email);
      return this;
    }

    public Builder subscriptionId(String v) {
      subscriptionId = v;
      return this;
    }

    public Builder renewal(boolean v) {
      renewal = v;
      return this;
    }

    public Builder livemode(boolean v) {
      livemode = v;
      return this;
    }

    /**
     * The promotion code the payer used; see {@link PaymentEvent#promoCode()}. Blank is none;
     * control characters go and a code beyond {@link #MAX_PROMO_CODE_LENGTH} is cut, so that no
     * payload can put a row the warehouse refuses.
     */
    public Builder promoCode(String v) {
      promoCode = cleaned(v, MAX_PROMO_CODE_LENGTH);
      return this;
    }

    /**
     * The page the buyer landed on; see {@link PaymentEvent#landingUrl()}. Only the query
     * parameters attribution reads are kept ({@link UrlHygiene#page}), then it is cleaned like
     * {@link #promoCode} and cut at {@link #MAX_URL_LENGTH}.
     */
    public Builder landingUrl(String v) {
      landingUrl = address(v, UrlHygiene::page);
      return this;
    }

    /**
     * The site that referred the buyer; see {@link PaymentEvent#referrerUrl()}. Its scheme, host
     * and path only ({@link UrlHygiene#referrer}), cleaned like {@link #landingUrl}.
     */
    public Builder referrerUrl(String v) {
      referrerUrl = address(v, UrlHygiene::referrer);
      return this;
    }

    /** Another id of the same money; see {@link PaymentEvent#linkKey()}. */
    public Builder linkKey(String v) {
      linkKey = v;
      return this;
    }

    @Override
    public PaymentEvent build() {
      require(siteId, "siteId");
      require(provider, "provider");
      if (linkKey == null) {
        require(paymentKey, "payment id");
      }
      require(eventId, "event id");
      require(eventType, "event type");
      require(currency, "currency");
      if (amountMinor < 0) {
        throw new MalformedPayloadException(provider + " payment amount is missing or negative");
      }
      if (amountMinor > MAX_AMOUNT_MINOR) {
        throw new MalformedPayloadException(
            provider + " payment amount is beyond any real payment");
      }
      if (currencyExponent < 0 || currencyExponent > 4) {
        throw new MalformedPayloadException("currency exponent out of range");
      }
      linkMethod = visitorId != null ? LinkMethod.METADATA.code() : null;
      conflicts = null;
      return super.build();
    }

    private void require(String value, String what) {
      if (value == null || value.isBlank()) {
        throw new MalformedPayloadException(
            (provider == null ? "payment" : provider + " payment") + " has no " + what);
      }
    }
  }
}
