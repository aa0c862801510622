package dev.tributary.job.testing;

import dev.tributary.job.testing.EmbeddedKafka.Record;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A shop's month as the job receives it: visitors arriving through five channels, buying through
 * Stripe (checkout metadata, PaymentIntent metadata, email only, nothing) and the Payment API,
 * renewals, identify calls before and after payments, and refunds in every shape (per refund id,
 * Stripe's running total for the same refund, several partials, full). Deterministic: the same
 * {@code visitors} give the same records. {@link #expectedNet()} is what the providers reported:
 * per currency, payments − refunds.
 */
public final class Scenario {
  public static final String SITE = "shop";
  private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");

  private final List<Record> tracking = new ArrayList<>();
  private final List<Record> webhooks = new ArrayList<>();
  private final Map<String, Long> expectedNet = new TreeMap<>();
  private int payments;

  /** A way in: the landing URL, the referrer and the utm tags of a session's first pageview. */
  public record Channel(String url, String referrer, Map<String, String> utm) {}

  /** Google organic, Google Ads, Facebook ads, the newsletter and direct: the test sites' mix. */
  public static final List<Channel> CHANNELS =
      List.of(
          new Channel("https://shop.example/", "https://www.google.com/", Map.of()),
          new Channel(
              "https://shop.example/pricing?gclid=g1",
              null,
              Map.of("source", "google", "medium", "cpc", "campaign", "brand")),
          new Channel(
              "https://shop.example/",
              "https://l.facebook.com/",
              Map.of("source", "facebook", "medium", "paid_social", "campaign", "retarget")),
          new Channel(
              "https://shop.example/",
              null,
              Map.of("source", "newsletter", "medium", "email", "campaign", "nov")),
          new Channel("https://shop.example/", null, Map.of()));

  public static Scenario of(int visitors) {
    Scenario s = new Scenario();
    for (int i = 0; i < visitors; i++) {
      s.visitor(i);
    }
    return s;
  }

  public List<Record> tracking() {
    return List.copyOf(tracking);
  }

  public List<Record> webhooks() {
    return List.copyOf(webhooks);
  }

  /** Records in event-time order: one delivery each, as a well-behaved world would send them. */
  public static List<Record> ordered(List<Record> records) {
    return records.stream().sorted(Comparator.comparingLong(Record::timestampMillis)).toList();
  }

  /** Currency → payments − refunds in minor units, as the providers reported them. */
  public Map<String, Long> expectedNet() {
    return Map.copyOf(expectedNet);
  }

  public int payments() {
    return payments;
  }

  private void visitor(int i) {
    String v = "v" + i;
    int sessions = 1 + i % 3;
    long last = 0;
    for (int k = 0; k < sessions; k++) {
      long at = T0.plus(Duration.ofHours(2L * i).plus(Duration.ofDays(3L * k))).toEpochMilli();
      Channel c = CHANNELS.get((i + k) % CHANNELS.size());
      String session = v + "_s" + k;
      tracking.add(
          new Record(
              SITE + ":" + v,
              Envelopes.pageview(
                  SITE, v, session, c.url(), c.referrer(), c.utm(), Instant.ofEpochMilli(at)),
              at));
      last = at;
    }
    if (i % 8 == 7) {
      return; // browses, never buys
    }
    long paidAt = last + Duration.ofMinutes(10).toMillis();
    long amount = 1_000 + 37L * i;
    String pi = "pi_" + i;
    String email = "buyer" + i + "@example.com";
    switch (i % 6) {
      case 0 -> {
        // checkout with metadata and a customer, plus the PaymentIntent event of the same money
        stripe(
            "evt_cs_" + i,
            "checkout.session.completed",
            paidAt,
            """
            {"id":"cs_%d","payment_status":"paid","amount_total":%d,"currency":"usd",
             "payment_intent":"%s","customer":"cus_%d","customer_details":{"email":"%s"},
             "metadata":{"tributary_visitor_id":"%s"}}"""
                .formatted(i, amount, pi, i, email, v));
        stripe("evt_pi_" + i, "payment_intent.succeeded", paidAt + 500, intent(pi, amount, ""));
        paid("USD", amount);
        if (i % 12 == 0) {
          // a renewal 20 days later carries no metadata: the customer links it
          long renewAt = paidAt + Duration.ofDays(20).toMillis();
          stripe(
              "evt_in_r" + i,
              "invoice.payment_succeeded",
              renewAt,
              """
              {"id":"in_r%d","amount_paid":%d,"currency":"usd","payment_intent":"pi_r%d",
               "customer":"cus_%d","billing_reason":"subscription_cycle"}"""
                  .formatted(i, amount, i, i));
          paid("USD", amount);
        }
      }
      case 1 -> {
        // identified before paying; the payment knows only the email
        long identifiedAt = last + Duration.ofMinutes(1).toMillis();
        tracking.add(
            new Record(
                SITE + ":" + v,
                Envelopes.identify(SITE, v, null, email, Instant.ofEpochMilli(identifiedAt)),
                identifiedAt));
        stripe(
            "evt_pi_" + i,
            "payment_intent.succeeded",
            paidAt,
            intent(pi, amount, ",\"receipt_email\":\"" + email + "\""));
        paid("USD", amount);
      }
      case 3 -> {
        stripe(
            "evt_pi_" + i,
            "payment_intent.succeeded",
            paidAt,
            intent(pi, amount, ",\"metadata\":{\"tributary_visitor_id\":\"" + v + "\"}"));
        paid("USD", amount);
      }
      case 4 -> {
        // nothing links it when it is paid; the buyer signs in two hours later and the merchant's
        // server identifies them (verified: a public tracker call after paying would not re-link)
        stripe(
            "evt_pi_" + i,
            "payment_intent.succeeded",
            paidAt,
            intent(pi, amount, ",\"receipt_email\":\"" + email + "\""));
        long identifiedAt = paidAt + Duration.ofHours(2).toMillis();
        tracking.add(
            new Record(
                SITE + ":" + v,
                Envelopes.identify(SITE, v, null, email, Instant.ofEpochMilli(identifiedAt), true),
                identifiedAt));
        paid("USD", amount);
      }
      default -> { // 2 and 5
        // another provider through the Payment API, in euros
        api(
            "api_" + i,
            paidAt,
            """
            {"provider":"shop","providerPaymentId":"ord_%d","amount":"%d.%02d","currency":"EUR",
             "visitorId":"%s","timestamp":"%s"}"""
                .formatted(i, amount / 100, amount % 100, v, Instant.ofEpochMilli(paidAt)));
        paid("EUR", amount);
        if (i % 2 == 1) {
          long refund = amount / 3;
          long at = paidAt + Duration.ofDays(1).toMillis();
          api(
              "api_rf_" + i,
              at,
              """
              {"provider":"shop","providerPaymentId":"ord_%d","refundId":"rf_%d","amount":"%d.%02d",
               "currency":"EUR","timestamp":"%s"}"""
                  .formatted(i, i, refund / 100, refund % 100, Instant.ofEpochMilli(at)));
          refunded("EUR", refund);
        }
        return;
      }
    }
    stripeRefunds(i, pi, amount, paidAt);
  }

  /** Refund shapes by visitor number; every shape Stripe uses, each counted once. */
  private void stripeRefunds(int i, String pi, long amount, long paidAt) {
    long day = Duration.ofDays(1).toMillis();
    if (i % 7 == 0) {
      charge(i, pi, amount, amount, paidAt + day); // refunded in full, seen as a running total
      refunded("USD", amount);
      return;
    }
    if (i % 4 != 0) {
      return;
    }
    long first = amount * 3 / 10;
    // one refund, reported by id and as the charge's running total
    refund("re_" + i, pi, first, paidAt + day);
    charge(i, pi, amount, first, paidAt + day + 1_000);
    long total = first;
    if (i % 5 == 0) {
      long second = amount / 5;
      total += second;
      refund("re2_" + i, pi, second, paidAt + 2 * day);
      charge(i, pi, amount, total, paidAt + 2 * day + 1_000);
    }
    refunded("USD", total);
  }

  private static String intent(String pi, long amount, String extra) {
    String fields =
        "\"id\":\"%s\",\"amount\":%d,\"amount_received\":%d,\"currency\":\"usd\""
            .formatted(pi, amount, amount);
    return "{" + fields + (extra.contains("metadata") ? "" : ",\"metadata\":{}") + extra + "}";
  }

  private void refund(String id, String pi, long amount, long at) {
    stripe(
        "evt_" + id,
        "refund.created",
        at,
        """
        {"id":"%s","amount":%d,"currency":"usd","payment_intent":"%s","status":"succeeded",
         "created":%d}"""
            .formatted(id, amount, pi, at / 1000));
  }

  private void charge(int i, String pi, long amount, long refundedSoFar, long at) {
    stripe(
        "evt_ch_" + i + "_" + refundedSoFar,
        "charge.refunded",
        at,
        """
        {"id":"ch_%d","amount":%d,"amount_refunded":%d,"currency":"usd","payment_intent":"%s"}"""
            .formatted(i, amount, refundedSoFar, pi));
  }

  private void stripe(String eventId, String type, long at, String object) {
    String body = Fixtures.stripeEvent(eventId, type, at / 1000, object);
    webhooks.add(
        new Record(
            SITE,
            Envelopes.webhook(SITE, "stripe", eventId, Instant.ofEpochMilli(at + 200), body),
            at + 200));
  }

  private void api(String deliveryId, long at, String body) {
    webhooks.add(
        new Record(
            SITE,
            Envelopes.webhook(SITE, "api", deliveryId, Instant.ofEpochMilli(at + 200), body),
            at + 200));
  }

  private void paid(String currency, long amount) {
    payments++;
    expectedNet.merge(currency, amount, Long::sum);
  }

  private void refunded(String currency, long amount) {
    expectedNet.merge(currency, -amount, Long::sum);
  }
}
