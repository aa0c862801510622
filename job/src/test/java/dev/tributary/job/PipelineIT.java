package dev.tributary.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.job.config.JobSettings;
import dev.tributary.job.testing.EmbeddedKafka;
import dev.tributary.job.testing.EmbeddedKafka.Record;
import dev.tributary.job.testing.EmbeddedWarehouse;
import dev.tributary.job.testing.Envelopes;
import dev.tributary.job.testing.Fixtures;
import dev.tributary.job.testing.LocalJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real job in a Flink MiniCluster, reading a real KRaft broker and writing a real PostgreSQL
 * through the production JDBC sinks. The Kafka sources are bounded at the offsets present at start,
 * so the job finishes, every timer fires, and the warehouse can be compared with exact numbers.
 */
class PipelineIT {
  private static final String SITE = "acme";
  private static final Instant T0 = Instant.parse("2026-11-20T09:00:00Z");
  private static EmbeddedKafka kafka;
  private static EmbeddedWarehouse warehouse;
  private static JobSettings settings;

  @BeforeAll
  static void runPipelineOverAMixedStream() throws Exception {
    kafka =
        EmbeddedKafka.start(
            Map.of("tributary.webhooks", 2, "tributary.tracking", 2, "tributary.deadletter", 1));
    warehouse = EmbeddedWarehouse.start();

    kafka.send("tributary.tracking", tracking());
    kafka.send("tributary.webhooks", webhooks());

    Configuration conf = LocalJob.configuration(kafka, warehouse);
    settings = LocalJob.runBounded(conf, "pipeline-it");
  }

  @AfterAll
  static void stop() throws Exception {
    if (warehouse != null) {
      warehouse.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static long at(Duration d) {
    return T0.plus(d).toEpochMilli();
  }

  private static List<Record> tracking() {
    List<Record> r = new ArrayList<>();
    // v_ads: two sessions, the later one from a Google Ads click.
    r.add(
        view(
            "v_ads",
            "s_ads_1",
            "https://acme.com/",
            "https://www.google.com/",
            Map.of(),
            at(Duration.ZERO)));
    r.add(
        view(
            "v_ads",
            "s_ads_2",
            "https://acme.com/pricing?gclid=xyz",
            null,
            Map.of("source", "google", "medium", "cpc", "campaign", "brand"),
            at(Duration.ofHours(2))));
    r.add(
        view(
            "v_ads",
            "s_ads_2",
            "https://acme.com/checkout",
            "https://acme.com/pricing",
            Map.of(),
            at(Duration.ofHours(2).plusMinutes(1))));
    // v_mail: from the newsletter
    r.add(
        view(
            "v_mail",
            "s_mail_1",
            "https://acme.com/?utm_source=newsletter&utm_medium=email&utm_campaign=nov",
            null,
            Map.of(),
            at(Duration.ofHours(1))));
    // two strangers browsing at the same time, just before an unlinked payment → ambiguous
    r.add(view("v_x", "s_x", "https://acme.com/", null, Map.of(), at(Duration.ofHours(6))));
    r.add(
        view(
            "v_y",
            "s_y",
            "https://acme.com/",
            null,
            Map.of(),
            at(Duration.ofHours(6).plusMinutes(5))));
    // v_mail signs in, and the merchant's server identifies them (verified) with the email of a
    // payment booked unattributed an hour earlier
    Instant lateIdentify = T0.plus(Duration.ofHours(8));
    r.add(
        new Record(
            SITE + ":v_mail",
            Envelopes.identify(SITE, "v_mail", null, "late@example.com", lateIdentify, true),
            lateIdentify.toEpochMilli()));
    // v_mail gives an email to the public tracker (unverified): the call carries only its hash
    Instant identifiedAt = T0.plus(Duration.ofHours(1).plusMinutes(5));
    r.add(
        new Record(
            SITE + ":v_mail",
            Envelopes.identify(SITE, "v_mail", "s_mail_1", "buyer2@example.com", identifiedAt),
            identifiedAt.toEpochMilli()));
    // malformed tracking record → dead letter
    r.add(new Record("acme:broken", "{\"v\":1,\"type\":\"pageview\"}", at(Duration.ofHours(1))));
    return r;
  }

  private static Record view(
      String visitor,
      String session,
      String url,
      String referrer,
      Map<String, String> utm,
      long ts) {
    return new Record(
        SITE + ":" + visitor,
        Envelopes.pageview(SITE, visitor, session, url, referrer, utm, Instant.ofEpochMilli(ts)),
        ts);
  }

  private static List<Record> webhooks() {
    List<Record> r = new ArrayList<>();
    long paidAt = at(Duration.ofHours(2).plusMinutes(5));
    String checkout =
        """
        {"id":"cs_ads","object":"checkout.session","payment_status":"paid","amount_total":4999,
         "currency":"usd","payment_intent":"pi_ads","customer":"cus_1",
         "customer_details":{"email":"buyer@example.com"},
         "metadata":{"tributary_visitor_id":"v_ads","tributary_session_id":"s_ads_2"}}""";
    String checkoutEvent =
        Fixtures.stripeEvent("evt_cs_ads", "checkout.session.completed", paidAt / 1000, checkout);
    // the same webhook delivered three times (provider retries)
    for (int i = 0; i < 3; i++) {
      r.add(stripe("evt_cs_ads", checkoutEvent, paidAt + 1_000 + i * 60_000L));
    }
    // the PaymentIntent event for the same money, without metadata
    String intent =
        """
        {"id":"pi_ads","object":"payment_intent","amount":4999,"amount_received":4999,
         "currency":"usd","metadata":{}}""";
    r.add(
        stripe(
            "evt_pi_ads",
            Fixtures.stripeEvent("evt_pi_ads", "payment_intent.succeeded", paidAt / 1000, intent),
            paidAt + 2_000));

    // an unlinked Stripe payment in yen (zero-decimal)
    long yenAt = at(Duration.ofHours(3));
    String yen =
        """
        {"id":"pi_yen","object":"payment_intent","amount":3000,"amount_received":3000,
         "currency":"jpy","metadata":{}}""";
    r.add(
        stripe(
            "evt_pi_yen",
            Fixtures.stripeEvent("evt_pi_yen", "payment_intent.succeeded", yenAt / 1000, yen),
            yenAt));

    // Payment API: v_mail bought through another provider
    String api =
        """
        {"provider":"shopify","providerPaymentId":"ord_77","amount":"19.90","currency":"EUR",
         "visitorId":"v_mail","customerEmail":"mail@example.com","timestamp":"%s"}"""
            .formatted(T0.plus(Duration.ofHours(1).plusMinutes(10)));
    r.add(
        new Record(
            SITE,
            Envelopes.webhook(
                SITE, "api", "api_1", T0.plus(Duration.ofHours(1).plusMinutes(10)), api),
            at(Duration.ofHours(1).plusMinutes(10))));

    // a subscription on the current API: the checkout and the invoice know only the invoice id,
    // invoice_payment.paid links it to the PaymentIntent; four events, one payment
    long subAt = at(Duration.ofHours(1).plusMinutes(20));
    r.add(
        stripe(
            "evt_sub_cs",
            Fixtures.stripeEvent(
                "evt_sub_cs",
                "checkout.session.completed",
                subAt / 1000,
                """
                {"id":"cs_sub","payment_status":"paid","amount_total":1500,"currency":"usd",
                 "mode":"subscription","payment_intent":null,"invoice":"in_sub","subscription":"sub_1",
                 "customer":"cus_sub","metadata":{"tributary_visitor_id":"v_mail"}}"""),
            subAt + 3_000));
    r.add(
        stripe(
            "evt_sub_inv",
            Fixtures.stripeEvent(
                "evt_sub_inv",
                "invoice.paid",
                subAt / 1000,
                """
                {"id":"in_sub","amount_paid":1500,"currency":"usd","customer":"cus_sub",
                 "billing_reason":"subscription_create","parent":{"type":"subscription_details",
                 "subscription_details":{"subscription":"sub_1","metadata":{}}}}"""),
            subAt + 1_000));
    r.add(
        stripe(
            "evt_sub_pi",
            Fixtures.stripeEvent(
                "evt_sub_pi",
                "payment_intent.succeeded",
                subAt / 1000,
                """
                {"id":"pi_sub","amount":1500,"amount_received":1500,"currency":"usd",
                 "customer":"cus_sub","metadata":{}}"""),
            subAt + 1_500));
    r.add(
        stripe(
            "evt_sub_link",
            Fixtures.stripeEvent(
                "evt_sub_link",
                "invoice_payment.paid",
                subAt / 1000,
                """
                {"id":"inpay_1","invoice":"in_sub","amount_paid":1500,"currency":"usd",
                 "payment":{"type":"payment_intent","payment_intent":"pi_sub"}}"""),
            subAt + 2_000));

    // refunds: a running total on the charge, twice (retry), and one refund by id
    long refundAt = at(Duration.ofHours(4));
    String refunded =
        Fixtures.stripeEvent(
            "evt_ch_ref",
            "charge.refunded",
            refundAt / 1000,
            """
            {"id":"ch_ads","amount":4999,"amount_refunded":1000,"currency":"usd",
             "payment_intent":"pi_ads"}""");
    r.add(stripe("evt_ch_ref", refunded, refundAt));
    r.add(stripe("evt_ch_ref", refunded, refundAt + 60_000));
    r.add(
        stripe(
            "evt_re_1",
            Fixtures.stripeEvent(
                "evt_re_1",
                "refund.created",
                refundAt / 1000,
                """
                {"id":"re_1","amount":1000,"currency":"usd","payment_intent":"pi_ads",
                 "status":"succeeded","created":%d}"""
                    .formatted(refundAt / 1000)),
            refundAt));

    // no metadata, only the email of v_mail's public identify call, made before → email, low
    long emailAt = at(Duration.ofHours(3).plusMinutes(30));
    r.add(
        stripe(
            "evt_pi_email",
            Fixtures.stripeEvent(
                "evt_pi_email",
                "payment_intent.succeeded",
                emailAt / 1000,
                """
                {"id":"pi_email","amount":2000,"amount_received":2000,"currency":"usd",
                 "receipt_email":" Buyer2@Example.com","metadata":{}}"""),
            emailAt));
    // nothing links these two: the visitors active on the site just before them do
    long lowAt = at(Duration.ofHours(2).plusMinutes(10));
    r.add(
        stripe(
            "evt_pi_low",
            Fixtures.stripeEvent(
                "evt_pi_low",
                "payment_intent.succeeded",
                lowAt / 1000,
                "{\"id\":\"pi_low\",\"amount\":700,\"amount_received\":700,\"currency\":\"usd\",\"metadata\":{}}"),
            lowAt));
    long ambAt = at(Duration.ofHours(6).plusMinutes(10));
    r.add(
        stripe(
            "evt_pi_amb",
            Fixtures.stripeEvent(
                "evt_pi_amb",
                "payment_intent.succeeded",
                ambAt / 1000,
                "{\"id\":\"pi_amb\",\"amount\":1001,\"amount_received\":1001,\"currency\":\"usd\",\"metadata\":{}}"),
            ambAt));
    // nothing links this payment when it is booked; an identify call an hour later does
    long upgradeAt = at(Duration.ofHours(7));
    r.add(
        stripe(
            "evt_pi_upgrade",
            Fixtures.stripeEvent(
                "evt_pi_upgrade",
                "payment_intent.succeeded",
                upgradeAt / 1000,
                "{\"id\":\"pi_upgrade\",\"amount\":1200,\"amount_received\":1200,\"currency\":\"usd\",\"receipt_email\":\"late@example.com\",\"metadata\":{}}"),
            upgradeAt));
    // a renewal of cus_1, whose first payment (pi_ads) named v_ads → customer, high
    long renewAt = at(Duration.ofHours(5));
    r.add(
        stripe(
            "evt_in_renew",
            Fixtures.stripeEvent(
                "evt_in_renew",
                "invoice.payment_succeeded",
                renewAt / 1000,
                """
                {"id":"in_renew","amount_paid":4999,"currency":"usd","payment_intent":"pi_renew",
                 "customer":"cus_1","billing_reason":"subscription_cycle"}"""),
            renewAt));

    // noise: an event type the job does not use, a broken envelope, a broken body of a known type
    r.add(
        stripe(
            "evt_plan", Fixtures.read("stripe/event.envelope_example_plan.created.json"), yenAt));
    r.add(new Record(SITE, "this is not an envelope", yenAt));
    r.add(
        stripe(
            "evt_bad",
            Fixtures.stripeEvent(
                "evt_bad",
                "payment_intent.succeeded",
                yenAt / 1000,
                "{\"id\":\"pi_bad\",\"currency\":\"usd\"}"),
            yenAt));
    return r;
  }

  private static Record stripe(String deliveryId, String body, long receivedAt) {
    return new Record(
        SITE,
        Envelopes.webhook(SITE, "stripe", deliveryId, Instant.ofEpochMilli(receivedAt), body),
        receivedAt);
  }

  @Test
  void paymentsTableHoldsEachPaymentOnceWithHowItWasLinked() throws Exception {
    var rows =
        warehouse.query(
            "SELECT provider, payment_key, amount_minor, currency, currency_exponent, visitor_id,"
                + " session_id, method, confidence, candidates, email_hash IS NOT NULL AS has_hash"
                + " FROM payments ORDER BY payment_key");

    assertThat(rows)
        .extracting(r -> String.join("|", r.values().stream().map(String::valueOf).toList()))
        .containsExactly(
            "stripe|pi_ads|4999|USD|2|v_ads|s_ads_2|metadata|high|1|true",
            "stripe|pi_amb|1001|USD|2|null|null|timestamp|ambiguous|2|false",
            "stripe|pi_email|2000|USD|2|v_mail|null|email|low|1|true",
            "stripe|pi_low|700|USD|2|v_ads|null|timestamp|low|1|false",
            "stripe|pi_renew|4999|USD|2|v_ads|null|customer|high|1|false",
            "stripe|pi_sub|1500|USD|2|v_mail|null|metadata|high|1|false",
            "stripe|pi_upgrade|1200|USD|2|v_mail|null|email|medium|1|true",
            "stripe|pi_yen|3000|JPY|0|null|null|unattributed|none|0|false",
            "api|shopify:ord_77|1990|EUR|2|v_mail|null|metadata|high|1|true");
  }

  @Test
  void ledgerCreditsTheLastTouchAndSumsToWhatProvidersReported() throws Exception {
    var rows =
        warehouse.query(
            "SELECT payment_key, channel, campaign, sum(amount_minor) AS amount_minor"
                + " FROM revenue_ledger WHERE model = 'last_touch'"
                + " GROUP BY payment_key, session_id, channel, campaign HAVING sum(amount_minor) <> 0"
                + " ORDER BY payment_key, amount_minor DESC");
    assertThat(rows)
        .extracting(
            r ->
                r.get("payment_key")
                    + "|"
                    + r.get("channel")
                    + "|"
                    + r.get("campaign")
                    + "|"
                    + r.get("amount_minor"))
        .containsExactly(
            "pi_ads|Paid Search|brand|3999", // 4999 less the 1000 refunded
            "pi_amb|Direct|null|501",
            "pi_amb|Direct|null|500",
            "pi_email|Email|nov|2000",
            "pi_low|Paid Search|brand|700",
            "pi_renew|Paid Search|brand|4999",
            "pi_sub|Email|nov|1500",
            "pi_upgrade|Email|nov|1200",
            "pi_yen|(unattributed)|null|3000",
            "shopify:ord_77|Email|nov|1990");

    // every model books every payment exactly: per currency and model, ledger = reported net
    var totals =
        warehouse.query(
            "SELECT l.model, l.currency, sum(l.amount_minor) AS ledger, (SELECT sum(net_minor)"
                + " FROM payments p WHERE p.currency = l.currency) AS reported"
                + " FROM revenue_ledger l GROUP BY l.model, l.currency");
    assertThat(totals).hasSize(6 * 3);
    assertThat(totals).allSatisfy(t -> assertThat(t.get("ledger")).isEqualTo(t.get("reported")));

    var view =
        warehouse.query(
            "SELECT channel, payments, net_minor FROM revenue_by_channel"
                + " WHERE site_id = 'acme' AND model = 'last_touch' AND currency = 'USD'");
    assertThat(view)
        .extracting(r -> r.get("channel") + "|" + r.get("payments") + "|" + r.get("net_minor"))
        .containsExactlyInAnyOrder("Paid Search|3|9698", "Email|3|4700", "Direct|1|1001");
  }

  @Test
  void eachModelSplitsTheTwoTouchJourneyItsOwnWay() throws Exception {
    var rows =
        warehouse.query(
            "SELECT model, string_agg(channel || '=' || amount_minor, ',' ORDER BY channel) AS split"
                + " FROM revenue_ledger WHERE payment_key = 'pi_ads' AND entry_type = 'payment'"
                + " GROUP BY model ORDER BY model");
    assertThat(rows)
        .extracting(r -> r.get("model") + ":" + r.get("split"))
        .containsExactly(
            "first_touch:Organic Search=4999",
            "last_non_direct:Paid Search=4999",
            "last_touch:Paid Search=4999",
            "linear:Organic Search=2500,Paid Search=2499",
            "position_based:Organic Search=2500,Paid Search=2499",
            // 125 and 5 minutes before the payment, half-life 7 d: weights 0.99144 and 0.99966
            "time_decay:Organic Search=2489,Paid Search=2510");
  }

  /**
   * Identify after payment: live, the payment is first booked unattributed and then corrected (the
   * Ledger and ResolveByEmail harness tests pin those entries); in this replay the identify call is
   * already known when the payment resolves. Either way the warehouse nets to the same: the order
   * of arrival does not change the result.
   */
  @Test
  void anIdentifyAfterThePaymentLinksItByEmail() throws Exception {
    var rows =
        warehouse.query(
            "SELECT model, channel, sum(amount_minor) AS net FROM revenue_ledger"
                + " WHERE payment_key = 'pi_upgrade' GROUP BY model, channel"
                + " HAVING sum(amount_minor) <> 0 ORDER BY model");
    assertThat(rows)
        .extracting(r -> r.get("model") + "|" + r.get("channel") + "|" + r.get("net"))
        .containsExactly(
            "first_touch|Email|1200",
            "last_non_direct|Email|1200",
            "last_touch|Email|1200",
            "linear|Email|1200",
            "position_based|Email|1200",
            "time_decay|Email|1200");
  }

  /**
   * pi_ads was refunded 1000 once, reported three ways (charge.refunded twice, refund.created): the
   * ledger retracts 1000 from the touches that got the credit, in proportion, under every model.
   */
  @Test
  void aRefundIsRetractedFromTheTouchesThatGotTheCredit() throws Exception {
    assertThat(
            warehouse.query(
                "SELECT refunded_minor, net_minor, chargeback FROM payments"
                    + " WHERE payment_key = 'pi_ads'"))
        .extracting(
            r -> r.get("refunded_minor") + "|" + r.get("net_minor") + "|" + r.get("chargeback"))
        .containsExactly("1000|3999|false");
    var rows =
        warehouse.query(
            "SELECT model, string_agg(channel || '=' || amount_minor, ',' ORDER BY channel) AS split"
                + " FROM revenue_ledger WHERE payment_key = 'pi_ads' AND entry_type = 'refund'"
                + " GROUP BY model ORDER BY model");
    assertThat(rows)
        .extracting(r -> r.get("model") + ":" + r.get("split"))
        .containsExactly(
            "first_touch:Organic Search=-1000",
            "last_non_direct:Paid Search=-1000",
            "last_touch:Paid Search=-1000",
            // 2500/2499 of 4999: 1000 × 2500/4999 = 500.1 → 500, the remainder unit to the larger
            "linear:Organic Search=-500,Paid Search=-500",
            "position_based:Organic Search=-500,Paid Search=-500",
            // 2489/2510: 497.9 and 502.1 → 498 and 502
            "time_decay:Organic Search=-498,Paid Search=-502");
  }

  /** DESIGN.md §5: for every payment and model, the ledger sums to amount − refunds. */
  @Test
  void everyPaymentNetsToItsAmountLessRefundsUnderEveryModel() throws Exception {
    var mismatches =
        warehouse.query(
            "SELECT p.payment_key, l.model, p.net_minor, sum(l.amount_minor) AS ledger"
                + " FROM payments p JOIN revenue_ledger l USING (site_id, provider, payment_key)"
                + " GROUP BY p.payment_key, l.model, p.net_minor"
                + " HAVING sum(l.amount_minor) <> p.net_minor");
    assertThat(mismatches).isEmpty();
    assertThat(
            warehouse.query("SELECT count(DISTINCT (payment_key, model)) AS n FROM revenue_ledger"))
        .extracting(r -> r.get("n"))
        .containsExactly(9L * 6);
  }

  @Test
  void subscriptionPaymentKnowsItsSubscriptionAndCustomer() throws Exception {
    assertThat(
            warehouse.query(
                "SELECT subscription_id, customer_id, renewal FROM payments"
                    + " WHERE payment_key = 'pi_sub'"))
        .extracting(
            r -> r.get("subscription_id") + "|" + r.get("customer_id") + "|" + r.get("renewal"))
        .containsExactly("sub_1|cus_sub|false");
  }

  @Test
  void refundsAreRecordedOncePerRefundAndOncePerRunningTotal() throws Exception {
    assertThat(
            warehouse.query(
                "SELECT payment_key, refund_key, kind, amount_minor, cumulative FROM refunds"
                    + " ORDER BY refund_key"))
        .extracting(
            r ->
                r.get("payment_key")
                    + "|"
                    + r.get("refund_key")
                    + "|"
                    + r.get("kind")
                    + "|"
                    + r.get("amount_minor")
                    + "|"
                    + r.get("cumulative"))
        .containsExactly("pi_ads|cumulative|refund|1000|true", "pi_ads|re_1|refund|1000|false");
  }

  @Test
  void sessionsAreRowsWithTheirChannel() throws Exception {
    var rows =
        warehouse.query(
            "SELECT session_id, visitor_id, pageviews, channel, source, medium FROM sessions"
                + " ORDER BY session_id");
    assertThat(rows)
        .extracting(
            r ->
                r.get("session_id")
                    + "|"
                    + r.get("pageviews")
                    + "|"
                    + r.get("channel")
                    + "|"
                    + r.get("source")
                    + "|"
                    + r.get("medium"))
        .containsExactly(
            "s_ads_1|1|Organic Search|google.com|organic",
            "s_ads_2|2|Paid Search|google|cpc",
            "s_mail_1|1|Email|newsletter|email",
            "s_x|1|Direct|(direct)|(none)",
            "s_y|1|Direct|(direct)|(none)");
  }

  @Test
  void unusableRecordsReachTheDeadLetterTopicWithAReason() throws Exception {
    var json = new ObjectMapper();
    var letters = kafka.readToEnd("tributary.deadletter");
    List<String> reasons = new ArrayList<>();
    for (var l : letters) {
      var n = json.readTree(l.value());
      assertThat(n.path("record").asText()).isNotEmpty();
      reasons.add(n.path("stage").asText() + ": " + n.path("reason").asText());
    }
    assertThat(reasons)
        .containsExactlyInAnyOrder(
            "normalize-webhooks: envelope is not JSON",
            "normalize-webhooks: payment intent.amount is not an integer",
            "parse-tracking: pageview has no url");
  }
}
