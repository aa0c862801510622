package dev.tributary.job.chaos;

import dev.tributary.job.testing.EmbeddedKafka.Record;
import dev.tributary.job.testing.Envelopes;
import dev.tributary.job.testing.Fixtures;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A seeded month of one site's traffic for the chaos run: visitors arriving through nine channels
 * over several sessions, and buyers paying through every provider the job reads (Stripe, Lemon
 * Squeezy, Paddle, Razorpay, Dodo, Polar, Gumroad, the Payment API — for Stripe also a Payment API
 * report of the same money), linked by checkout metadata (the visitor, or only the session), by an
 * identify call before or after paying (the email), by nothing at all (left to the timestamp
 * fallback, which is on for the site), and renewing through their provider's subscription (linked
 * by the customer). Refunds: partial, several partials, full, chargebacks, each in the shape its
 * provider uses. Every webhook reaches the gateway some time after the money moved: most within
 * seconds, some minutes, hours or days later (its record's time is its receive time, so the job
 * sees it late in event time).
 *
 * <p>{@link #tracking()} and {@link #webhooks()} hold every record once; {@link #ordered} plays
 * them in event-time order, {@link #delivered} as a hostile world would: webhooks re-delivered
 * (provider retries: same event, a later receive time), tracking records forwarded twice, and both
 * shuffled (most records in place, some minutes, hours or days away, a few anywhere).
 *
 * <p>The generator knows the truth: {@link #truth()} per payment (amount, what was refunded of it,
 * how it is linked) and {@link #expectedNet()} per currency. A buyer is one visitor with one email
 * and one customer id per provider (the links by email and customer are then the same whatever
 * order the evidence arrives in; one email on two devices is another matter).
 */
public final class ChaosMonth {
  public static final String SITE = "chaos";
  public static final Instant START = Instant.parse("2026-10-01T00:00:00Z");
  private static final long SECOND = 1_000;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;
  private static final long MONTH = 30 * DAY;

  /** How a payment's visitor can be known. */
  public enum Evidence {
    /** checkout metadata names the visitor */
    VISITOR,
    /** checkout metadata names only the session the visitor paid from */
    SESSION,
    /** the payer's email; the visitor identified with it before paying */
    EMAIL_BEFORE,
    /** the payer's email; the visitor identifies with it after paying */
    EMAIL_AFTER,
    /** nothing: the timestamp fallback's, or unattributed */
    NONE,
    /** a renewal: only the customer (and subscription) of the first payment */
    RENEWAL
  }

  /** One payment as its provider reported it, and what it reported refunded of it. */
  public record Paid(
      String provider,
      String paymentKey,
      String currency,
      long amountMinor,
      long refundedMinor,
      Evidence evidence,
      String visitor) {
    public String key() {
      return provider + "|" + paymentKey;
    }

    Paid refunded(long more) {
      return new Paid(
          provider,
          paymentKey,
          currency,
          amountMinor,
          Math.min(amountMinor, refundedMinor + more),
          evidence,
          visitor);
    }
  }

  /** A webhook as the gateway forwards it; a re-delivery keeps body and delivery id. */
  private record Webhook(String provider, String deliveryId, String body, long receivedAt) {
    Record record(long at) {
      return new Record(
          SITE, Envelopes.webhook(SITE, provider, deliveryId, Instant.ofEpochMilli(at), body), at);
    }
  }

  /** A way in: landing URL, referrer and utm tags of a session's first pageview. */
  private record Channel(String url, String referrer, Map<String, String> utm) {}

  private static final List<Channel> CHANNELS =
      List.of(
          new Channel("https://chaos.example/", "https://www.google.com/", Map.of()),
          new Channel(
              "https://chaos.example/pricing?gclid=Cj0KCQ",
              null,
              Map.of("source", "google", "medium", "cpc", "campaign", "brand")),
          new Channel(
              "https://chaos.example/",
              "https://l.facebook.com/",
              Map.of("source", "facebook", "medium", "paid_social", "campaign", "retarget")),
          new Channel(
              "https://chaos.example/blog",
              null,
              Map.of("source", "newsletter", "medium", "email", "campaign", "october")),
          new Channel("https://chaos.example/", null, Map.of()),
          new Channel("https://chaos.example/blog/why", "https://news.ycombinator.com/", Map.of()),
          new Channel(
              "https://chaos.example/?ref=partner",
              null,
              Map.of("source", "partner", "medium", "affiliate", "campaign", "q4")),
          new Channel("https://chaos.example/", "https://t.co/abc", Map.of()),
          new Channel("https://chaos.example/pricing?msclkid=8f1e", null, Map.of()));

  private static final List<String> PROVIDERS =
      List.of("stripe", "lemonsqueezy", "paddle", "razorpay", "dodo", "polar", "gumroad", "api");
  private static final int[] PROVIDER_WEIGHTS = {24, 11, 12, 10, 10, 11, 9, 13};

  private final long seed;
  private final SplittableRandom random;
  private final List<Record> tracking = new ArrayList<>();
  private final List<Webhook> webhooks = new ArrayList<>();
  private final Map<String, Paid> truth = new LinkedHashMap<>();
  private int ids;
  private int sessions;

  private ChaosMonth(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  /**
   * The month of {@code visitors} visitors from {@code seed}; the same arguments, the same month.
   */
  public static ChaosMonth generate(long seed, int visitors) {
    ChaosMonth m = new ChaosMonth(seed);
    for (int i = 0; i < visitors; i++) {
      m.visitor(i);
    }
    return m;
  }

  /** Pageviews and identify calls, each once. */
  public List<Record> tracking() {
    return List.copyOf(tracking);
  }

  /** Webhooks and Payment API calls, each once, at their first receive time. */
  public List<Record> webhooks() {
    return webhooks.stream().map(w -> w.record(w.receivedAt())).toList();
  }

  /** How many tracker sessions the month has. */
  public int sessions() {
    return sessions;
  }

  /** Per payment ({@code provider|paymentKey}): what the providers reported. */
  public Map<String, Paid> truth() {
    return Map.copyOf(truth);
  }

  /** Currency → payments − refunds in minor units, as the providers reported them. */
  public Map<String, Long> expectedNet() {
    Map<String, Long> net = new TreeMap<>();
    truth
        .values()
        .forEach(p -> net.merge(p.currency(), p.amountMinor() - p.refundedMinor(), Long::sum));
    return net;
  }

  /** Payments per provider, for the report. */
  public Map<String, Long> paymentsByProvider() {
    Map<String, Long> n = new TreeMap<>();
    truth.values().forEach(p -> n.merge(p.provider(), 1L, Long::sum));
    return n;
  }

  /** Payments per kind of evidence, for the report. */
  public Map<Evidence, Long> paymentsByEvidence() {
    Map<Evidence, Long> n = new TreeMap<>();
    truth.values().forEach(p -> n.merge(p.evidence(), 1L, Long::sum));
    return n;
  }

  /** Records in event-time order, each once: a well-behaved world. */
  public static List<Record> ordered(List<Record> records) {
    return records.stream().sorted(Comparator.comparingLong(Record::timestampMillis)).toList();
  }

  /**
   * The tracking records as a hostile world delivers them: 5 % forwarded twice (the same record: an
   * at-least-once producer), and shuffled (see {@link #shuffle}).
   */
  public List<Record> deliveredTracking() {
    SplittableRandom r = new SplittableRandom(seed * 7919 + 1);
    List<Delivery> out = new ArrayList<>();
    for (Record t : tracking) {
      out.add(new Delivery(t, jitter(r, t.timestampMillis())));
      if (r.nextInt(100) < 5) {
        out.add(new Delivery(t, jitter(r, t.timestampMillis())));
      }
    }
    return shuffle(out);
  }

  /**
   * The webhooks as a hostile world delivers them: 20 % re-delivered once or twice by their
   * provider (same body and delivery id, received seconds to two days later), and shuffled.
   */
  public List<Record> deliveredWebhooks() {
    SplittableRandom r = new SplittableRandom(seed * 7919 + 2);
    List<Delivery> out = new ArrayList<>();
    for (Webhook w : webhooks) {
      out.add(new Delivery(w.record(w.receivedAt()), jitter(r, w.receivedAt())));
      if (r.nextInt(100) < 20) {
        int copies = 1 + r.nextInt(2);
        for (int c = 0; c < copies; c++) {
          long again = w.receivedAt() + delay(r, 10 * SECOND, 2 * DAY);
          out.add(new Delivery(w.record(again), jitter(r, again)));
        }
      }
    }
    return shuffle(out);
  }

  private record Delivery(Record record, long position) {}

  /**
   * Where a record lands in the delivery order, in event time: 75 % at its own time, 15 % within
   * ten minutes either way, 7 % within six hours, 2 % within three days, 1 % anywhere in the month.
   */
  private static long jitter(SplittableRandom r, long at) {
    int p = r.nextInt(100);
    if (p < 75) {
      return at;
    } else if (p < 90) {
      return at + r.nextLong(-10 * MINUTE, 10 * MINUTE);
    } else if (p < 97) {
      return at + r.nextLong(-6 * HOUR, 6 * HOUR);
    } else if (p < 99) {
      return at + r.nextLong(-3 * DAY, 3 * DAY);
    }
    return START.toEpochMilli() + r.nextLong(MONTH);
  }

  private static List<Record> shuffle(List<Delivery> deliveries) {
    return deliveries.stream()
        .sorted(Comparator.comparingLong(Delivery::position))
        .map(Delivery::record)
        .toList();
  }

  // ---------------------------------------------------------------- visitors and their sessions

  private void visitor(int i) {
    String v = "v" + i + "_" + Long.toString(seed & 0xffff, 36);
    long t = START.toEpochMilli() + random.nextLong(MONTH - 2 * DAY);
    int visits = random.nextInt(100) < 40 ? 1 : 2 + random.nextInt(3);
    String lastSession = null;
    long lastPageview = 0;
    for (int k = 0; k < visits; k++) {
      if (k > 0) {
        t = lastPageview + 2 * HOUR + random.nextLong(5 * DAY);
      }
      if (t > START.toEpochMilli() + MONTH) {
        break;
      }
      String session = v + "_s" + k;
      sessions++;
      Channel c = CHANNELS.get(random.nextInt(CHANNELS.size()));
      int pageviews = 1 + random.nextInt(4);
      long at = t;
      for (int p = 0; p < pageviews; p++) {
        if (p == 0) {
          pageview(v, session, c.url(), c.referrer(), c.utm(), at);
        } else {
          pageview(
              v, session, "https://chaos.example/p" + p, "https://chaos.example/", Map.of(), at);
        }
        lastPageview = at;
        at += 30 * SECOND + random.nextLong(8 * MINUTE);
      }
      lastSession = session;
    }
    if (random.nextInt(100) >= 45) {
      return; // browses, never buys
    }
    String provider = PROVIDERS.get(pick(PROVIDER_WEIGHTS));
    Evidence evidence = evidence(provider);
    // whole seconds: Stripe and Razorpay count time in seconds, and every report of one money
    // carries the same time, so the payment's time does not depend on which report came first
    long paidAt = (lastPageview + MINUTE + random.nextLong(10 * MINUTE)) / SECOND * SECOND;
    String email = "buyer." + v + "@example.com";
    boolean linkedByMetadata = evidence == Evidence.VISITOR || evidence == Evidence.SESSION;
    if (evidence == Evidence.EMAIL_BEFORE || linkedByMetadata && random.nextInt(4) == 0) {
      identify(
          v, lastSession, email, lastPageview + 5 * SECOND + random.nextLong(50 * SECOND), false);
    }
    if (evidence == Evidence.EMAIL_AFTER) {
      // after paying: the buyer signs in and the merchant's server identifies them (verified; a
      // public tracker call after the payment would never move its credit)
      identify(v, null, email, paidAt + 5 * MINUTE + random.nextLong(6 * HOUR), true);
    }
    Buyer b = new Buyer(provider, v, lastSession, email, "c" + (ids++), evidence);
    boolean subscribes = random.nextInt(100) < 30;
    Money first = money(provider);
    String key = pay(b, paidAt, first, false, subscribes ? 1 : 0);
    refunds(b, key, paidAt, first);
    if (subscribes) {
      int renewals = 1 + random.nextInt(2);
      long at = paidAt;
      for (int n = 1; n <= renewals; n++) {
        at += 10 * DAY + random.nextLong(4 * DAY);
        Money again = first;
        String renewal = pay(b, at, again, true, n + 1);
        refunds(b, renewal, at, again);
      }
    }
  }

  private Evidence evidence(String provider) {
    int p = random.nextInt(100);
    Evidence e =
        p < 45
            ? Evidence.VISITOR
            : p < 55
                ? Evidence.SESSION
                : p < 70 ? Evidence.EMAIL_BEFORE : p < 80 ? Evidence.EMAIL_AFTER : Evidence.NONE;
    if (provider.equals("paddle") && (e == Evidence.EMAIL_BEFORE || e == Evidence.EMAIL_AFTER)) {
      return Evidence.NONE; // Paddle's transaction carries no email
    }
    return e;
  }

  private int pick(int[] weights) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int x = random.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return i;
      }
    }
    throw new IllegalStateException();
  }

  private void pageview(
      String v, String session, String url, String referrer, Map<String, String> utm, long at) {
    tracking.add(
        new Record(
            SITE + ":" + v,
            Envelopes.pageview(SITE, v, session, url, referrer, utm, Instant.ofEpochMilli(at)),
            at));
  }

  private void identify(String v, String session, String email, long at, boolean verified) {
    tracking.add(
        new Record(
            SITE + ":" + v,
            Envelopes.identify(SITE, v, session, email, Instant.ofEpochMilli(at), verified),
            at));
  }

  // ------------------------------------------------------------------------------ payments

  /** Who pays: their visitor, the session they paid from, email, customer id and evidence. */
  private record Buyer(
      String provider,
      String visitor,
      String session,
      String email,
      String customer,
      Evidence evidence) {
    String visitorField() {
      return evidence == Evidence.VISITOR ? visitor : null;
    }

    String sessionField() {
      return evidence == Evidence.SESSION ? session : null;
    }

    /** The checkout metadata object, as JSON. */
    String metadata() {
      if (evidence == Evidence.VISITOR) {
        return "{\"tributary_visitor_id\":\"" + visitor + "\",\"plan\":\"pro\"}";
      }
      if (evidence == Evidence.SESSION) {
        return "{\"tributary_session_id\":\"" + session + "\",\"plan\":\"pro\"}";
      }
      return "{\"plan\":\"pro\"}";
    }
  }

  /** An amount in a currency, with the currency's minor-unit digits as the provider counts them. */
  private record Money(String currency, long minor, int exponent) {
    String major() {
      return BigDecimal.valueOf(minor, exponent).toPlainString();
    }

    String lower() {
      return currency.toLowerCase(java.util.Locale.ROOT);
    }
  }

  private Money money(String provider) {
    String currency =
        switch (provider) {
          case "stripe" -> pickOf("USD", "USD", "USD", "EUR", "JPY");
          case "lemonsqueezy" -> pickOf("USD", "USD", "EUR");
          case "paddle" -> pickOf("EUR", "GBP", "USD");
          case "razorpay" -> "INR";
          case "dodo" -> pickOf("USD", "INR", "EUR");
          case "polar" -> pickOf("USD", "EUR", "JPY");
          case "gumroad" -> "USD";
          default -> pickOf("EUR", "GBP", "USD");
        };
    return switch (currency) {
      case "JPY" -> new Money(currency, 500 + random.nextLong(30_000), 0);
      case "INR" -> new Money(currency, 19_900 + random.nextLong(980_000), 2);
      default -> new Money(currency, 499 + random.nextLong(49_500), 2);
    };
  }

  private String pickOf(String... options) {
    return options[random.nextInt(options.length)];
  }

  private String id(String prefix) {
    return prefix + Long.toString(seed & 0xffff, 36) + "x" + (ids++);
  }

  /**
   * Books one payment of {@code b} through its provider's webhooks; {@code cycle} is 0 for a
   * one-off payment, 1 for a subscription's first payment, 2+ for its renewals. Returns the key.
   */
  private String pay(Buyer b, long at, Money m, boolean renewal, int cycle) {
    Evidence evidence = renewal ? Evidence.RENEWAL : b.evidence();
    String key =
        switch (b.provider()) {
          case "stripe" -> stripe(b, at, m, renewal, cycle);
          case "lemonsqueezy" -> lemonSqueezy(b, at, m, renewal);
          case "paddle" -> paddle(b, at, m, renewal, cycle);
          case "razorpay" -> razorpay(b, at, m, renewal, cycle);
          case "dodo" -> dodo(b, at, m, renewal, cycle);
          case "polar" -> polar(b, at, m, renewal, cycle);
          case "gumroad" -> gumroad(b, at, m, renewal, cycle);
          default -> api(b, at, m, renewal);
        };
    String provider = b.provider().equals("api") ? "api" : b.provider();
    Paid p = new Paid(provider, key, m.currency(), m.minor(), 0, evidence, b.visitor());
    truth.put(p.key(), p);
    return key;
  }

  private String stripe(Buyer b, long at, Money m, boolean renewal, int cycle) {
    String pi = id("pi_");
    String customer = "cus_" + b.customer();
    long created = at / SECOND;
    if (renewal) {
      String invoice = id("in_");
      webhook(
          "stripe",
          "evt_" + invoice,
          at,
          Fixtures.stripeEvent(
              "evt_" + invoice,
              "invoice.payment_succeeded",
              created,
              """
              {"id":"%s","object":"invoice","amount_paid":%d,"currency":"%s","payment_intent":"%s",\
              "customer":"%s","customer_email":"%s","billing_reason":"subscription_cycle",\
              "subscription":"sub_%s","status_transitions":{"paid_at":%d}}"""
                  .formatted(
                      invoice,
                      m.minor(),
                      m.lower(),
                      pi,
                      customer,
                      b.email(),
                      b.customer(),
                      created)));
      return pi;
    }
    int shape = random.nextInt(10);
    if (shape < 6) {
      // Checkout: the session (with the metadata) and its PaymentIntent, the same money
      String cs = id("cs_");
      String evt = id("evt_");
      webhook(
          "stripe",
          evt,
          at,
          Fixtures.stripeEvent(
              evt,
              "checkout.session.completed",
              created,
              """
              {"id":"%s","object":"checkout.session","payment_status":"paid","amount_total":%d,\
              "currency":"%s","payment_intent":"%s","customer":"%s",\
              "customer_details":{"email":"%s"},"metadata":%s%s}"""
                  .formatted(
                      cs,
                      m.minor(),
                      m.lower(),
                      pi,
                      customer,
                      b.email(),
                      b.metadata(),
                      cycle > 0 ? ",\"subscription\":\"sub_" + b.customer() + "\"" : "")));
      webhook("stripe", evt + "_pi", at, intent(evt + "_pi", pi, m, customer, b, "{}", created));
    } else if (shape < 9 || b.evidence() == Evidence.NONE) {
      webhook(
          "stripe",
          pi + "_evt",
          at,
          intent(pi + "_evt", pi, m, customer, b, b.metadata(), created));
    } else {
      // the site reports the money through the Payment API with the tracker's ids; Stripe's own
      // webhook of the same PaymentIntent names nobody
      webhook("stripe", pi + "_evt", at, intent(pi + "_evt", pi, m, customer, b, "{}", created));
      apiCall(
          at,
          """
          {"provider":"stripe","providerPaymentId":"%s","amount":"%s","currency":"%s",%s\
          "timestamp":"%s"}"""
              .formatted(pi, m.major(), m.currency(), apiIds(b), Instant.ofEpochMilli(at)));
    }
    return pi;
  }

  private static String intent(
      String evt, String pi, Money m, String customer, Buyer b, String metadata, long created) {
    return Fixtures.stripeEvent(
        evt,
        "payment_intent.succeeded",
        created,
        """
        {"id":"%s","object":"payment_intent","amount":%d,"amount_received":%d,"currency":"%s",\
        "customer":"%s","receipt_email":"%s","metadata":%s}"""
            .formatted(pi, m.minor(), m.minor(), m.lower(), customer, b.email(), metadata));
  }

  private static String apiIds(Buyer b) {
    StringBuilder s = new StringBuilder();
    if (b.visitorField() != null) {
      s.append("\"visitorId\":\"").append(b.visitorField()).append("\",");
    }
    if (b.sessionField() != null) {
      s.append("\"sessionId\":\"").append(b.sessionField()).append("\",");
    }
    return s.toString();
  }

  private String lemonSqueezy(Buyer b, long at, Money m, boolean renewal) {
    String id = Long.toString(100_000 + ids++);
    String created = Instant.ofEpochMilli(at).toString();
    if (renewal) {
      webhook(
          "lemonsqueezy",
          id("ls_"),
          at,
          """
          {"meta":{"event_name":"subscription_payment_success","test_mode":false},"data":{\
          "type":"subscription-invoices","id":"%s","attributes":{"billing_reason":"renewal",\
          "subscription_id":%s,"customer_id":%s,"user_email":"%s","status":"paid","total":%d,\
          "currency":"%s","created_at":"%s"}}}"""
              .formatted(
                  id,
                  b.customer().substring(1),
                  b.customer().substring(1),
                  b.email(),
                  m.minor(),
                  m.currency(),
                  created));
      return "invoice:" + id;
    }
    webhook(
        "lemonsqueezy",
        id("ls_"),
        at,
        """
        {"meta":{"event_name":"order_created","test_mode":false,"custom_data":%s},"data":{\
        "type":"orders","id":"%s","attributes":{"status":"paid","total":%d,"currency":"%s",\
        "user_email":"%s","customer_id":%s,"created_at":"%s"}}}"""
            .formatted(
                b.metadata(),
                id,
                m.minor(),
                m.currency(),
                b.email(),
                b.customer().substring(1),
                created));
    return "order:" + id;
  }

  private String paddle(Buyer b, long at, Money m, boolean renewal, int cycle) {
    String txn = id("txn_");
    String occurred = Instant.ofEpochMilli(at).toString();
    String data =
        """
        {"id":"%s","status":"%%s","origin":"%s","currency_code":"%s","customer_id":"ctm_%s",\
        "subscription_id":%s,"custom_data":%s,"details":{"totals":{"grand_total":"%d"}}}"""
            .formatted(
                txn,
                renewal ? "subscription_recurring" : "web",
                m.currency(),
                b.customer(),
                cycle > 0 ? "\"sub_" + b.customer() + "\"" : "null",
                renewal ? "null" : b.metadata(),
                m.minor());
    for (String type : List.of("transaction.paid", "transaction.completed")) {
      if (type.equals("transaction.paid") && random.nextInt(4) == 0) {
        continue; // not every subscriber listens to both
      }
      String evt = id("evt_");
      webhook(
          "paddle",
          evt,
          at,
          """
          {"event_id":"%s","event_type":"%s","occurred_at":"%s","data":%s}"""
              .formatted(
                  evt,
                  type,
                  occurred,
                  data.formatted(type.equals("transaction.paid") ? "paid" : "completed")));
    }
    return txn;
  }

  private String razorpay(Buyer b, long at, Money m, boolean renewal, int cycle) {
    String pay = id("pay_");
    long created = at / SECOND;
    String notes = renewal ? "[]" : b.metadata();
    String payment =
        """
        {"id":"%s","entity":"payment","amount":%d,"currency":"%s","status":"captured",\
        "email":"%s","customer_id":"cust_%s","notes":%s,"created_at":%d}"""
            .formatted(pay, m.minor(), m.currency(), b.email(), b.customer(), notes, created);
    if (renewal) {
      webhook(
          "razorpay",
          id("rzp_"),
          at,
          """
          {"entity":"event","event":"subscription.charged","created_at":%d,"payload":{\
          "payment":{"entity":%s},"subscription":{"entity":{"id":"sub_%s",\
          "customer_id":"cust_%s","paid_count":%d,"notes":[]}}}}"""
              .formatted(created, payment, b.customer(), b.customer(), cycle));
      return pay;
    }
    webhook(
        "razorpay",
        id("rzp_"),
        at,
        """
        {"entity":"event","event":"payment.captured","created_at":%d,"payload":{\
        "payment":{"entity":%s}}}"""
            .formatted(created, payment));
    if (random.nextBoolean()) {
      webhook(
          "razorpay",
          id("rzp_"),
          at,
          """
          {"entity":"event","event":"order.paid","created_at":%d,"payload":{\
          "payment":{"entity":%s},"order":{"entity":{"id":"order_%s","notes":[]}}}}"""
              .formatted(created, payment, pay));
    }
    return pay;
  }

  private String dodo(Buyer b, long at, Money m, boolean renewal, int cycle) {
    String pay = id("pay_d");
    String time = Instant.ofEpochMilli(at).toString();
    webhook(
        "dodo",
        id("msg_"),
        at,
        """
        {"business_id":"bus_chaos","type":"payment.succeeded","timestamp":"%s","data":{\
        "payment_id":"%s","total_amount":%d,"currency":"%s","metadata":%s,\
        "customer":{"customer_id":"cus_%s","email":"%s"},"subscription_id":%s,\
        "created_at":"%s"}}"""
            .formatted(
                time,
                pay,
                m.minor(),
                m.currency(),
                renewal ? "{}" : b.metadata(),
                b.customer(),
                b.email(),
                cycle > 0 ? "\"sub_" + b.customer() + "\"" : "null",
                time));
    return pay;
  }

  private String polar(Buyer b, long at, Money m, boolean renewal, int cycle) {
    String order = uuid();
    String time = Instant.ofEpochMilli(at).toString();
    webhook(
        "polar",
        id("msg_"),
        at,
        """
        {"type":"order.paid","timestamp":"%s","data":{"id":"%s","created_at":"%s",\
        "status":"paid","total_amount":%d,"currency":"%s","billing_reason":"%s",\
        "customer_id":"%s","customer":{"id":"%s","email":"%s","metadata":{}},\
        "subscription_id":%s,"subscription":null,"metadata":%s}}"""
            .formatted(
                time,
                order,
                time,
                m.minor(),
                m.lower(),
                renewal ? "subscription_cycle" : cycle > 0 ? "subscription_create" : "purchase",
                customerUuid(b),
                customerUuid(b),
                b.email(),
                cycle > 0 ? "\"" + subscriptionUuid(b) + "\"" : "null",
                renewal ? "{}" : b.metadata()));
    return order;
  }

  private String uuid() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  private String customerUuid(Buyer b) {
    return new UUID(seed, b.customer().hashCode()).toString();
  }

  private String subscriptionUuid(Buyer b) {
    return new UUID(~seed, b.customer().hashCode()).toString();
  }

  private String gumroad(Buyer b, long at, Money m, boolean renewal, int cycle) {
    String sale = id("sale_") + "==";
    Map<String, String> form = new LinkedHashMap<>();
    form.put("sale_id", sale);
    form.put("sale_timestamp", Instant.ofEpochMilli(at).toString());
    form.put("price", Long.toString(m.minor()));
    form.put("currency", "usd");
    form.put("email", b.email());
    form.put("purchaser_id", "pur_" + b.customer());
    form.put("product_id", "prod_1");
    form.put("is_recurring_charge", Boolean.toString(renewal));
    if (cycle > 0) {
      form.put("subscription_id", "sub_" + b.customer());
    }
    if (!renewal && b.visitorField() != null) {
      form.put("url_params[tributary_visitor_id]", b.visitorField());
    }
    if (!renewal && b.sessionField() != null) {
      form.put("url_params[tributary_session_id]", b.sessionField());
    }
    form.put("test", "false");
    webhook("gumroad", id("gr_"), at, form(form));
    return sale;
  }

  private static String form(Map<String, String> fields) {
    StringBuilder s = new StringBuilder();
    fields.forEach(
        (k, v) -> {
          if (!s.isEmpty()) {
            s.append('&');
          }
          s.append(URLEncoder.encode(k, StandardCharsets.UTF_8))
              .append('=')
              .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
    return s.toString();
  }

  private String api(Buyer b, long at, Money m, boolean renewal) {
    String order = id("ord_");
    apiCall(
        at,
        """
        {"provider":"shop","providerPaymentId":"%s","amount":"%s","currency":"%s",%s\
        "customerEmail":"%s","customerId":"%s","timestamp":"%s"}"""
            .formatted(
                order,
                m.major(),
                m.currency(),
                renewal ? "" : apiIds(b),
                b.email(),
                b.customer(),
                Instant.ofEpochMilli(at)));
    return "shop:" + order;
  }

  private void apiCall(long at, String body) {
    webhook("api", id("api_"), at, body);
  }

  // ------------------------------------------------------------------------------ refunds

  /**
   * Refunds of one payment, in its provider's shape: 11 % partially (one or two partials), 6 % in
   * full, 2 % charged back (the providers that report chargebacks; the others refund in full).
   */
  private void refunds(Buyer b, String key, long paidAt, Money m) {
    int p = random.nextInt(100);
    if (p >= 19) {
      return;
    }
    long at = paidAt + HOUR + random.nextLong(8 * DAY);
    boolean chargeback = p >= 17;
    boolean full = p >= 11;
    String provider = b.provider();
    if (chargeback && List.of("stripe", "paddle", "gumroad").contains(provider)) {
      long amount = provider.equals("gumroad") ? m.minor() : partOf(m.minor(), 30, 100);
      chargeback(provider, key, m, amount, at);
      book(provider, key, amount);
      return;
    }
    if (provider.equals("gumroad")) {
      // Gumroad reports only full refunds (a partial refund's ping has no amount and is ignored)
      gumroadRefund(key, at);
      book(provider, key, m.minor());
      return;
    }
    if (full) {
      refund(provider, key, m, m.minor(), 0, at, true);
      book(provider, key, m.minor());
      return;
    }
    long first = partOf(m.minor(), 10, 50);
    refund(provider, key, m, first, 0, at, false);
    book(provider, key, first);
    if (random.nextInt(3) == 0) {
      long second = partOf(m.minor() - first, 10, 60);
      refund(provider, key, m, second, first, at + HOUR + random.nextLong(3 * DAY), false);
      book(provider, key, second);
    }
  }

  private long partOf(long amount, int minPercent, int maxPercent) {
    long part = amount * (minPercent + random.nextInt(maxPercent - minPercent + 1)) / 100;
    return Math.max(1, Math.min(amount, part));
  }

  private void book(String provider, String key, long amount) {
    String k = provider + "|" + key;
    truth.put(k, truth.get(k).refunded(amount));
  }

  /** One refund of {@code amount}; {@code before} was refunded earlier. */
  private void refund(
      String provider, String key, Money m, long amount, long before, long at, boolean full) {
    long created = at / SECOND;
    String time = Instant.ofEpochMilli(at).toString();
    switch (provider) {
      case "stripe" -> {
        String re = id("re_");
        String charge = "ch_" + key.substring(3);
        // the refund by its id and the charge's running total: the same money, counted once
        webhook(
            "stripe",
            "evt_" + re,
            at,
            Fixtures.stripeEvent(
                "evt_" + re,
                "refund.created",
                created,
                """
                {"id":"%s","object":"refund","amount":%d,"currency":"%s","payment_intent":"%s",\
                "status":"succeeded","created":%d}"""
                    .formatted(re, amount, m.lower(), key, created)));
        String evt = id("evt_");
        webhook(
            "stripe",
            evt,
            at + 700,
            Fixtures.stripeEvent(
                evt,
                "charge.refunded",
                created,
                """
                {"id":"%s","object":"charge","amount":%d,"amount_refunded":%d,"currency":"%s",\
                "payment_intent":"%s","refunded":%b}"""
                    .formatted(charge, m.minor(), before + amount, m.lower(), key, full)));
      }
      case "lemonsqueezy" -> {
        boolean invoice = key.startsWith("invoice:");
        webhook(
            "lemonsqueezy",
            id("ls_"),
            at,
            """
            {"meta":{"event_name":"%s","test_mode":false},"data":{"type":"%s","id":"%s",\
            "attributes":{%s"status":"%s","total":%d,"currency":"%s","refunded_amount":%d,\
            "refunded_at":"%s"}}}"""
                .formatted(
                    invoice ? "subscription_payment_refunded" : "order_refunded",
                    invoice ? "subscription-invoices" : "orders",
                    key.substring(key.indexOf(':') + 1),
                    invoice ? "\"billing_reason\":\"renewal\"," : "",
                    full ? "refunded" : "partial_refund",
                    m.minor(),
                    m.currency(),
                    before + amount,
                    time));
      }
      case "paddle" -> {
        String adj = id("adj_");
        for (String type : List.of("adjustment.created", "adjustment.updated")) {
          if (type.equals("adjustment.updated") && random.nextBoolean()) {
            continue;
          }
          String evt = id("evt_");
          webhook(
              "paddle",
              evt,
              at,
              """
              {"event_id":"%s","event_type":"%s","occurred_at":"%s","data":{"id":"%s",\
              "action":"refund","status":"approved","transaction_id":"%s","currency_code":"%s",\
              "totals":{"total":"%d","currency_code":"%s"}}}"""
                  .formatted(evt, type, time, adj, key, m.currency(), amount, m.currency()));
        }
      }
      case "razorpay" ->
          webhook(
              "razorpay",
              id("rzp_"),
              at,
              """
              {"entity":"event","event":"refund.processed","created_at":%d,"payload":{"refund":{\
              "entity":{"id":"%s","entity":"refund","amount":%d,"currency":"%s","payment_id":"%s",\
              "status":"processed","created_at":%d}}}}"""
                  .formatted(created, id("rfnd_"), amount, m.currency(), key, created));
      case "dodo" -> {
        String amountField =
            full && before == 0 && random.nextBoolean()
                ? "\"is_partial\":false"
                : "\"amount\":%d,\"currency\":\"%s\",\"is_partial\":%b"
                    .formatted(amount, m.currency(), !full);
        webhook(
            "dodo",
            id("msg_"),
            at,
            """
            {"business_id":"bus_chaos","type":"refund.succeeded","timestamp":"%s","data":{\
            "refund_id":"%s","payment_id":"%s",%s,"created_at":"%s"}}"""
                .formatted(time, id("ref_"), key, amountField, time));
      }
      case "polar" -> {
        String id = uuid();
        long tax = amount / 6;
        boolean pendingFirst = random.nextInt(3) == 0;
        for (String status :
            pendingFirst ? List.of("pending", "succeeded") : List.of("succeeded")) {
          String type =
              pendingFirst && status.equals("succeeded") ? "refund.updated" : "refund.created";
          webhook(
              "polar",
              id("msg_"),
              at,
              """
              {"type":"%s","timestamp":"%s","data":{"id":"%s","created_at":"%s","status":"%s",\
              "reason":"customer_request","amount":%d,"tax_amount":%d,"currency":"%s",\
              "order_id":"%s"}}"""
                  .formatted(type, time, id, time, status, amount - tax, tax, m.lower(), key));
        }
      }
      default ->
          apiCall(
              at,
              """
              {"provider":"shop","providerPaymentId":"%s","refundId":"%s","amount":"%s",\
              "currency":"%s","timestamp":"%s"}"""
                  .formatted(
                      key.substring("shop:".length()),
                      id("rf_"),
                      new Money(m.currency(), amount, m.exponent()).major(),
                      m.currency(),
                      time));
    }
  }

  private void chargeback(String provider, String key, Money m, long amount, long at) {
    switch (provider) {
      case "stripe" -> {
        String dp = id("dp_");
        webhook(
            "stripe",
            "evt_" + dp,
            at,
            Fixtures.stripeEvent(
                "evt_" + dp,
                "charge.dispute.funds_withdrawn",
                at / SECOND,
                """
                {"id":"%s","object":"dispute","amount":%d,"currency":"%s","payment_intent":"%s",\
                "charge":"ch_%s","status":"needs_response"}"""
                    .formatted(dp, amount, m.lower(), key, key.substring(3))));
      }
      case "paddle" -> {
        String evt = id("evt_");
        webhook(
            "paddle",
            evt,
            at,
            """
            {"event_id":"%s","event_type":"adjustment.created","occurred_at":"%s","data":{\
            "id":"%s","action":"chargeback","status":"approved","transaction_id":"%s",\
            "currency_code":"%s","totals":{"total":"%d","currency_code":"%s"}}}"""
                .formatted(
                    evt,
                    Instant.ofEpochMilli(at),
                    id("adj_"),
                    key,
                    m.currency(),
                    amount,
                    m.currency()));
      }
      default ->
          webhook(
              "gumroad",
              id("gr_"),
              at,
              form(Map.of("resource_name", "dispute", "sale_id", key, "test", "false")));
    }
  }

  private void gumroadRefund(String key, long at) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("resource_name", "refund");
    form.put("sale_id", key);
    form.put("refunded", "true");
    form.put("test", "false");
    webhook("gumroad", id("gr_"), at, form(form));
  }

  /**
   * A webhook about something that happened at {@code at}, received after a delay: 65 % within
   * seconds, 15 % within two minutes, 10 % within an hour, 7 % within half a day, 3 % one to three
   * days late.
   */
  private void webhook(String provider, String deliveryId, long at, String body) {
    long receivedAt = at + delay(random, 200, 3 * DAY);
    webhooks.add(new Webhook(provider, deliveryId, body, receivedAt));
  }

  private static long delay(SplittableRandom r, long min, long max) {
    int p = r.nextInt(100);
    long d;
    if (p < 65) {
      d = 200 + r.nextLong(5 * SECOND);
    } else if (p < 80) {
      d = 5 * SECOND + r.nextLong(2 * MINUTE);
    } else if (p < 90) {
      d = 2 * MINUTE + r.nextLong(HOUR);
    } else if (p < 97) {
      d = HOUR + r.nextLong(12 * HOUR);
    } else {
      d = DAY + r.nextLong(2 * DAY);
    }
    return Math.max(min, Math.min(max, d));
  }
}
