package dev.tributary.job.testing;

import dev.tributary.job.testing.EmbeddedKafka.Record;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of records that the gateway would forward (well-formed envelopes: provider
 * bodies are forwarded as signed, whatever they hold; tracking records as another producer could
 * write them) but whose content is hostile: control characters and odd Unicode in every text field
 * the parsers read, huge, negative, fractional and exponent numbers, past, future and overflowing
 * times, missing fields and wrong JSON types field by field, deep nesting, conflicting duplicates
 * and refunds in another currency than their payment.
 *
 * <p>Each record says what the job must do with it: {@link Expect#DEAD} (a dead letter with a
 * reason), {@link Expect#BOOK} (booked, never dead-lettered) or {@link Expect#EITHER} (both are
 * right, e.g. an amount of zero). Every record carries a unique marker (its delivery or event id)
 * so the test can find it among the dead letters. Site {@code evil} takes everything that may be
 * booked; the good stream's site only gets records that must be refused, so its warehouse must come
 * out exactly as in a clean run.
 */
public final class HostileRecords {
  public static final String SITE = "evil";

  /** What the job must do with a record. */
  public enum Expect {
    DEAD,
    BOOK,
    EITHER
  }

  /** A record, its expectation, its category (for the report) and its unique marker. */
  public record Hostile(Record record, String topic, Expect expect, String kind, String marker) {}

  private static final String[] NASTY = {
    "\u0000",
    "a\u0000b",
    "\u0007bell",
    "line\nbreak",
    "tab\there",
    "\u202Eevil\u202C",
    "zero\u200Bwidth",
    "\uFEFFbom",
    "\uD800lone",
    "lone\uDC00",
    "\uFFFF",
    "\u0085nel",
    "🙂🚀",
    "été",
    "中文",
    "\\u0000 escaped",
    "'; DROP TABLE payments; --",
    "<script>alert(1)</script>",
    "x".repeat(20_000),
    " ",
    ""
  };

  private final Random random;
  private final Instant t0;
  private final List<Hostile> out = new ArrayList<>();
  private int n;

  private HostileRecords(long seed, Instant t0) {
    this.random = new Random(seed);
    this.t0 = t0;
  }

  /**
   * {@code count} hostile records from {@code seed}, timed within a month from {@code t0}; {@code
   * goodSite} and {@code goodEuroPayments} (Payment API ids of the good stream's euro payments) are
   * targeted only by records that must be refused.
   */
  public static List<Hostile> generate(
      long seed, int count, Instant t0, String goodSite, List<String> goodEuroPayments) {
    HostileRecords g = new HostileRecords(seed, t0);
    while (g.out.size() < count) {
      g.next(goodSite, goodEuroPayments);
    }
    return List.copyOf(g.out);
  }

  private void next(String goodSite, List<String> goodEuroPayments) {
    int kind = random.nextInt(14);
    switch (kind) {
      case 0 -> stripeWithNastyText();
      case 1 -> stripeWithBadAmount();
      case 2 -> stripeWithBadTime();
      case 3 -> stripeWithMissingOrWrongField();
      case 4 -> deepNesting();
      case 5 -> conflictingApiDuplicates();
      case 6 -> crossCurrencyRefund(goodSite, goodEuroPayments);
      case 7 -> apiWithBadValues();
      case 8 -> pageviewWithNastyText();
      case 9 -> pageviewWithBadFields();
      case 10 -> identifyWithBadFields();
      case 11 -> brokenEnvelope(goodSite);
      case 12 -> otherProvidersWithNastyText();
      default -> apiWithFutureTime();
    }
  }

  private String nasty() {
    return NASTY[random.nextInt(NASTY.length)];
  }

  private String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20 || Character.isSurrogate(c) || c == 0xFFFF) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private long at() {
    return t0.toEpochMilli() + (long) (random.nextDouble() * Duration.ofDays(28).toMillis());
  }

  private String id(String prefix) {
    return prefix + "_h" + (n++);
  }

  private void webhook(
      String site, String provider, String deliveryId, long at, String body, Expect e, String k) {
    out.add(
        new Hostile(
            new Record(
                site,
                dev.tributary.job.testing.Envelopes.webhook(
                    site, provider, deliveryId, Instant.ofEpochMilli(at), body),
                at),
            "webhooks",
            e,
            k,
            deliveryId));
  }

  private void stripe(String eventId, String type, long at, String object, Expect e, String k) {
    String body =
        """
        {"id":"%s","object":"event","type":"%s","created":%d,"livemode":false,\
        "data":{"object":%s}}"""
            .formatted(eventId, type, at / 1000, object);
    webhook(SITE, "stripe", eventId, at, body, e, k);
  }

  private void stripeWithNastyText() {
    String ev = id("evt");
    String pi = id("pi");
    long at = at();
    String object =
        """
        {"id":"%s","amount":%d,"amount_received":%d,"currency":"usd","receipt_email":%s,
         "customer":%s,"metadata":{"tributary_visitor_id":%s,"tributary_session_id":%s}}"""
            .formatted(
                pi,
                100 + random.nextInt(100_000),
                0,
                json(nasty() + "@example.com"),
                json("cus" + nasty()),
                json("v" + nasty()),
                json("s" + nasty()));
    stripe(ev, "payment_intent.succeeded", at, object, Expect.BOOK, "stripe text");
  }

  private void stripeWithBadAmount() {
    String ev = id("evt");
    String[] amounts = {
      "9223372036854775808",
      "99999999999999999999999",
      "-500",
      "10.5",
      "1e3",
      "\"1000\"",
      "true",
      "null",
      "{}",
      "[1]",
      "100000000000000001"
    };
    String amount = amounts[random.nextInt(amounts.length)];
    String object =
        """
        {"id":"%s","amount":%s,"currency":"usd","metadata":{}}"""
            .formatted(id("pi"), amount);
    stripe(ev, "payment_intent.succeeded", at(), object, Expect.DEAD, "stripe amount " + amount);
  }

  private void stripeWithBadTime() {
    String ev = id("evt");
    String pi = id("pi");
    long at = at();
    long[] created = {
      253_402_300_799L, // 9999-12-31
      32_503_680_000L, // year 3000
      Long.MAX_VALUE / 10,
      -1L,
      0L,
      at / 1000 + 86_400 * 30 // a month ahead
    };
    long c = created[random.nextInt(created.length)];
    String body =
        """
        {"id":"%s","object":"event","type":"payment_intent.succeeded","created":%d,\
        "livemode":false,"data":{"object":{"id":"%s","amount":%d,"currency":"eur",\
        "metadata":{}}}}"""
            .formatted(ev, c, pi, 500 + random.nextInt(5_000));
    String label = c == created[created.length - 1] ? "a month ahead" : Long.toString(c);
    webhook(SITE, "stripe", ev, at, body, Expect.BOOK, "stripe time " + label);
  }

  private void stripeWithMissingOrWrongField() {
    String ev = id("evt");
    String pi = id("pi");
    String[] objects = {
      "{\"amount\":100,\"currency\":\"usd\"}", // no id
      "{\"id\":\"" + pi + "\",\"amount\":100}", // no currency
      "{\"id\":\"" + pi + "\",\"currency\":\"usd\"}", // no amount
      "{\"id\":" + random.nextInt() + ",\"amount\":100,\"currency\":\"usd\"}",
      "{\"id\":\"" + pi + "\",\"amount\":100,\"currency\":7}",
      "{\"id\":[],\"amount\":100,\"currency\":\"usd\"}",
      "[]",
      "\"text\"",
      "42"
    };
    int pick = random.nextInt(objects.length);
    // a numeric id or currency reads as text: either outcome is right, as long as it is exact
    Expect e = pick == 3 || pick == 4 ? Expect.EITHER : Expect.DEAD;
    stripe(ev, "payment_intent.succeeded", at(), objects[pick], e, "stripe missing/wrong " + pick);
  }

  private void deepNesting() {
    String ev = id("evt");
    int depth = random.nextBoolean() ? 60 : 5_000;
    String nested = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    String object =
        """
        {"id":"%s","amount":100,"currency":"usd","metadata":{"deep":%s}}"""
            .formatted(id("pi"), nested);
    // Jackson refuses nesting beyond 1000 levels: that body is unreadable
    stripe(
        ev,
        "payment_intent.succeeded",
        at(),
        object,
        depth > 1_000 ? Expect.DEAD : Expect.BOOK,
        "nesting " + depth);
  }

  private void apiBody(String deliveryId, long at, String body, Expect e, String k) {
    webhook(SITE, "api", deliveryId, at, body, e, k);
  }

  private void conflictingApiDuplicates() {
    String order = id("ord");
    long at = at();
    for (int i = 0; i < 3; i++) {
      apiBody(
          id("dlv"),
          at + i * 1_000L,
          """
          {"provider":"shop","providerPaymentId":"%s","amount":"%d.00","currency":"EUR",
           "timestamp":"%s"}"""
              .formatted(
                  order,
                  10 + random.nextInt(90),
                  Instant.ofEpochMilli(at - random.nextInt(100_000))),
          Expect.BOOK,
          "api conflicting duplicate");
    }
    // a refund larger than the smallest of the reported amounts
    apiBody(
        id("dlv"),
        at + 5_000,
        """
        {"provider":"shop","providerPaymentId":"%s","refundId":"%s","amount":"80.00",
         "currency":"EUR"}"""
            .formatted(order, id("rf")),
        Expect.BOOK,
        "api refund over a conflicting amount");
  }

  private void crossCurrencyRefund(String goodSite, List<String> goodEuroPayments) {
    if (goodEuroPayments.isEmpty()) {
      return;
    }
    String order = goodEuroPayments.get(random.nextInt(goodEuroPayments.size()));
    String delivery = id("dlv");
    long at = t0.toEpochMilli() + Duration.ofDays(40).toMillis() + random.nextInt(100_000);
    String body =
        """
        {"provider":"shop","providerPaymentId":"%s","refundId":"%s","amount":"5000",
         "currency":"JPY"}"""
            .formatted(order, id("rf"));
    webhook(goodSite, "api", delivery, at, body, Expect.DEAD, "refund in another currency");
  }

  private void apiWithBadValues() {
    String[] bodies = {
      "{\"provider\":\"shop\",\"providerPaymentId\":\"%s\",\"amount\":\"-1\",\"currency\":\"EUR\"}",
      "{\"provider\":\"shop\",\"providerPaymentId\":\"%s\",\"amount\":\"1e400\",\"currency\":\"EUR\"}",
      "{\"provider\":\"shop\",\"providerPaymentId\":\"%s\",\"amount\":\"12.345\",\"currency\":\"EUR\"}",
      "{\"provider\":\"shop\",\"providerPaymentId\":\"%s\",\"amount\":\"1\",\"currency\":\"XXX1\"}",
      "{\"provider\":\"shop\",\"providerPaymentId\":\"%s\",\"amount\":\"1\",\"currency\":\"EUR\","
          + "\"timestamp\":\"+300000000-01-01T00:00:00Z\"}",
      "{\"provider\":\"shop\",\"providerPaymentId\":\"%s\",\"amount\":\"1\",\"currency\":\"EUR\","
          + "\"timestamp\":\"yesterday\"}",
      "{\"provider\":\"shop\",\"providerPaymentId\":\"%s\",\"amount\":[],\"currency\":\"EUR\"}",
      "{\"providerPaymentId\":\"%s\",\"amount\":\"1\",\"currency\":\"EUR\"}"
    };
    String body = bodies[random.nextInt(bodies.length)].formatted(id("ord"));
    apiBody(id("dlv"), at(), body, Expect.DEAD, "api bad value");
  }

  private void apiWithFutureTime() {
    long at = at();
    String[] times = {"2999-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z"};
    String body =
        """
        {"provider":"shop","providerPaymentId":"%s","amount":"%d","currency":"USD",
         "visitorId":%s,"sessionId":%s,"customerEmail":%s,"timestamp":"%s"}"""
            .formatted(
                id("ord"),
                1 + random.nextInt(500),
                json("v" + nasty()),
                json("s" + nasty()),
                json(nasty() + "@x.test"),
                times[random.nextInt(times.length)]);
    apiBody(id("dlv"), at, body, Expect.BOOK, "api time and text");
  }

  private void tracking(String body, long at, String visitor, Expect e, String k, String marker) {
    out.add(new Hostile(new Record(SITE + ":" + visitor, body, at), "tracking", e, k, marker));
  }

  private void pageviewWithNastyText() {
    long at = at();
    String visitor = "v" + nasty();
    String event = id("pv");
    String url =
        "https://evil.test/"
            + nasty()
            + "?utm_source=a%00b&utm_medium="
            + (random.nextBoolean() ? "%zz" : "%E2%80%AE")
            + "&utm_campaign=%C3%A9t%C3%A9&gclid=%00";
    String body =
        """
        {"v":1,"type":"pageview","siteId":"%s","visitorId":%s,"sessionId":%s,"url":%s,
         "referrer":%s,"utm":{"source":%s,"campaign":%s},"receivedAt":"%s","eventId":"%s"}"""
            .formatted(
                SITE,
                json(visitor),
                json("s" + nasty()),
                json(url),
                json("https://" + nasty() + ".test/"),
                json(nasty()),
                json(nasty()),
                Instant.ofEpochMilli(at),
                event);
    tracking(body, at, "v" + n, Expect.BOOK, "pageview text", event);
  }

  private void pageviewWithBadFields() {
    long at = at();
    String event = id("pv");
    String[] bodies = {
      // far in the future: clamped, booked
      "{\"v\":1,\"type\":\"pageview\",\"siteId\":\"evil\",\"visitorId\":\"vf\",\"sessionId\":\"sf\","
          + "\"url\":\"https://evil.test/\",\"receivedAt\":\"9999-12-31T23:59:59Z\",\"eventId\":\"%s\"}",
      "{\"v\":1,\"type\":\"pageview\",\"siteId\":\"evil\",\"visitorId\":\"vf\",\"sessionId\":\"sf\","
          + "\"url\":\"https://evil.test/\",\"receivedAt\":\"+300000000-01-01T00:00:00Z\",\"eventId\":\"%s\"}",
      "{\"v\":1,\"type\":\"pageview\",\"siteId\":\"evil\",\"sessionId\":\"sf\","
          + "\"url\":\"https://evil.test/\",\"receivedAt\":\"2026-10-02T00:00:00Z\",\"eventId\":\"%s\"}",
      "{\"v\":1,\"type\":\"pageview\",\"siteId\":\"evil\",\"visitorId\":{},\"sessionId\":\"sf\","
          + "\"url\":\"https://evil.test/\",\"receivedAt\":\"2026-10-02T00:00:00Z\",\"eventId\":\"%s\"}",
      "{\"v\":2,\"type\":\"pageview\",\"eventId\":\"%s\"}",
      "{\"v\":1,\"type\":\"teleport\",\"eventId\":\"%s\"}",
      "[\"%s\"]"
    };
    int pick = random.nextInt(bodies.length);
    tracking(
        bodies[pick].formatted(event),
        at,
        "vf",
        pick == 0 ? Expect.BOOK : Expect.DEAD,
        "pageview field " + pick,
        event);
  }

  private void identifyWithBadFields() {
    long at = at();
    String event = id("id");
    String[] hashes = {"not-a-hash", "A".repeat(64), "0".repeat(63), "0".repeat(64)};
    int pick = random.nextInt(hashes.length);
    String body =
        """
        {"v":1,"type":"identify","siteId":"evil","visitorId":%s,"emailHash":"%s",
         "receivedAt":"%s","eventId":"%s"}"""
            .formatted(json("v" + nasty()), hashes[pick], Instant.ofEpochMilli(at), event);
    tracking(body, at, "vi", pick == 3 ? Expect.BOOK : Expect.DEAD, "identify hash " + pick, event);
  }

  private void brokenEnvelope(String goodSite) {
    long at = at();
    String delivery = id("dlv");
    String[] envelopes = {
      "{\"v\":1,\"siteId\":\"%s\",\"provider\":\"stripe\",\"deliveryId\":\"%s\","
          + "\"receivedAt\":\"%s\",\"contentType\":\"application/json\",\"body\":\"not json\"}",
      "{\"v\":1,\"siteId\":\"%s\",\"provider\":\"nobody\",\"deliveryId\":\"%s\","
          + "\"receivedAt\":\"%s\",\"contentType\":\"application/json\",\"body\":\"{}\"}",
      "{\"v\":1,\"siteId\":\"%s\",\"provider\":\"stripe\",\"deliveryId\":\"%s\","
          + "\"receivedAt\":\"%s\",\"contentType\":\"application/json\"}",
    };
    String e =
        envelopes[random.nextInt(envelopes.length)].formatted(
            goodSite, delivery, Instant.ofEpochMilli(at));
    out.add(
        new Hostile(new Record(goodSite, e, at), "webhooks", Expect.DEAD, "envelope", delivery));
  }

  private void otherProvidersWithNastyText() {
    long at = at();
    String delivery = id("dlv");
    switch (random.nextInt(3)) {
      case 0 -> {
        String body =
            """
            {"event_id":"%s","event_type":"transaction.paid","occurred_at":"%s","data":{
             "id":"txn_%s","status":"paid","currency_code":"EUR","customer_id":%s,
             "custom_data":{"tributary_visitor_id":%s},
             "details":{"totals":{"grand_total":"%d"}}}}"""
                .formatted(
                    delivery,
                    Instant.ofEpochMilli(at),
                    delivery,
                    json("ctm" + nasty()),
                    json("v" + nasty()),
                    100 + random.nextInt(10_000));
        webhook(SITE, "paddle", delivery, at, body, Expect.EITHER, "paddle text");
      }
      case 1 -> {
        String body =
            """
            {"entity":"event","event":"payment.captured","created_at":%d,"payload":{"payment":{
             "entity":{"id":"pay_%s","amount":%d,"currency":"INR","status":"captured",
             "email":%s,"notes":{"tributary_visitor_id":%s},"created_at":%d}}}}"""
                .formatted(
                    at / 1000,
                    delivery,
                    100 + random.nextInt(10_000),
                    json(nasty() + "@x.test"),
                    json("v" + nasty()),
                    at / 1000);
        webhook(SITE, "razorpay", delivery, at, body, Expect.EITHER, "razorpay text");
      }
      default -> {
        String body =
            """
            {"meta":{"event_name":"order_created","custom_data":{"tributary_visitor_id":%s}},
             "data":{"type":"orders","id":"%s","attributes":{"status":"paid","currency":"USD",
             "total":%d,"user_email":%s,"customer_id":%d,"created_at":"%s","test_mode":true}}}"""
                .formatted(
                    json("v" + nasty()),
                    delivery,
                    100 + random.nextInt(10_000),
                    json(nasty()),
                    random.nextInt(1000),
                    Instant.ofEpochMilli(at));
        webhook(SITE, "lemonsqueezy", delivery, at, body, Expect.EITHER, "lemonsqueezy text");
      }
    }
  }
}
