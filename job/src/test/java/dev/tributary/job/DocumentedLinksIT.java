package dev.tributary.job;

import static org.assertj.core.api.Assertions.assertThat;

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
 * What the linking guides promise, through the whole job: a checkout that names only the tracker's
 * session links to that session's visitor, and one payment reported both by its provider's webhook
 * and through the Payment API counts once.
 */
class DocumentedLinksIT {
  private static final String SITE = "acme";
  private static final Instant T0 = Instant.parse("2026-11-20T09:00:00Z");
  private static EmbeddedKafka kafka;
  private static EmbeddedWarehouse warehouse;

  @BeforeAll
  static void run() throws Exception {
    kafka =
        EmbeddedKafka.start(
            Map.of("tributary.webhooks", 2, "tributary.tracking", 2, "tributary.deadletter", 1));
    warehouse = EmbeddedWarehouse.start();
    kafka.send("tributary.tracking", tracking());
    kafka.send("tributary.webhooks", webhooks());

    Configuration conf = LocalJob.configuration(kafka, warehouse);
    LocalJob.runBounded(conf, "documented-links-it");
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

  private static Instant at(Duration d) {
    return T0.plus(d);
  }

  private static List<Record> tracking() {
    List<Record> r = new ArrayList<>();
    r.add(
        view(
            "v_news",
            "s_sonly",
            "https://acme.com/?utm_source=newsletter&utm_medium=email" + "&utm_campaign=nov",
            at(Duration.ZERO)));
    r.add(
        view(
            "v_social",
            "s_api_only",
            "https://acme.com/?utm_source=twitter&utm_medium=social",
            at(Duration.ofMinutes(5))));
    r.add(
        view(
            "v_cs",
            "s_cs",
            "https://acme.com/?utm_source=google&utm_medium=cpc",
            at(Duration.ofMinutes(6))));
    // 300 other visitors browsing at the same time: the timestamp fallback must not be needed
    for (int i = 0; i < 300; i++) {
      r.add(view("v_crowd" + i, "s_crowd" + i, "https://acme.com/", at(Duration.ofMinutes(8))));
    }
    return r;
  }

  private static Record view(String visitor, String session, String url, Instant when) {
    return new Record(
        SITE + ":" + visitor,
        Envelopes.pageview(SITE, visitor, session, url, null, Map.of(), when),
        when.toEpochMilli());
  }

  private static List<Record> webhooks() {
    List<Record> r = new ArrayList<>();
    // 1. Stripe Checkout whose metadata names only the session
    Instant paid = at(Duration.ofMinutes(20));
    r.add(
        webhook(
            "stripe",
            "evt_cs_sonly",
            paid,
            Fixtures.stripeEvent(
                "evt_cs_sonly",
                "checkout.session.completed",
                paid.getEpochSecond(),
                """
                {"id":"cs_sonly","payment_status":"paid","amount_total":5000,"currency":"usd",
                 "payment_intent":"pi_sonly","metadata":{"sessionId":"s_sonly"}}""")));
    // 2. the Payment API naming only the session
    r.add(
        webhook(
            "api",
            "dlv_api_sonly",
            at(Duration.ofMinutes(21)),
            """
            {"provider":"custom","providerPaymentId":"o_1","amount":12.5,"currency":"EUR",
             "sessionId":"s_api_only"}"""));
    // 3. PostMetric's example, for a Stripe PaymentIntent the webhook also reports (livemode
    // false: a test-mode account); the API adds the visitor, the webhook's amount and mode stand
    Instant dbl = at(Duration.ofMinutes(30));
    r.add(
        webhook(
            "stripe",
            "evt_pi_dbl",
            dbl,
            Fixtures.stripeEvent(
                "evt_pi_dbl",
                "payment_intent.succeeded",
                dbl.getEpochSecond(),
                """
                {"id":"pi_dbl","amount":9999,"amount_received":9999,"currency":"usd",
                 "metadata":{}}""")));
    r.add(
        webhook(
            "api",
            "dlv_api_dbl",
            dbl.plusSeconds(2),
            """
            {"provider": "stripe", "providerPaymentId": "pi_dbl", "amount": 99.99,
             "currency": "USD", "customerEmail": "customer@example.com",
             "visitorId": "v_news", "sessionId": "s_sonly", "metadata": {"orderId": "order_789"}}"""));
    // 4. the API reports first, with another amount; the webhook comes minutes later
    Instant early = at(Duration.ofMinutes(35));
    r.add(
        webhook(
            "api",
            "dlv_api_first",
            early,
            """
            {"provider":"stripe","providerPaymentId":"pi_late","amount":"25.00","currency":"USD",
             "visitorId":"v_social","livemode":false}"""));
    r.add(
        webhook(
            "stripe",
            "evt_pi_late",
            early.plus(Duration.ofMinutes(5)),
            Fixtures.stripeEvent(
                "evt_pi_late",
                "payment_intent.succeeded",
                early.getEpochSecond(),
                """
                {"id":"pi_late","amount":2000,"amount_received":2000,"currency":"usd",
                 "metadata":{}}""")));
    // 5. the API names the Checkout Session; the webhook links it to its PaymentIntent
    Instant cs = at(Duration.ofMinutes(40));
    r.add(
        webhook(
            "api",
            "dlv_api_cs",
            cs,
            """
            {"provider":"stripe","providerPaymentId":"cs_live_2","amount":"30.00",
             "currency":"USD","sessionId":"s_cs"}"""));
    r.add(
        webhook(
            "stripe",
            "evt_cs_2",
            cs.plusSeconds(20),
            Fixtures.stripeEvent(
                "evt_cs_2",
                "checkout.session.completed",
                cs.getEpochSecond(),
                """
                {"id":"cs_live_2","payment_status":"paid","amount_total":3000,"currency":"usd",
                 "payment_intent":"pi_cs_2","metadata":{}}""")));
    // 6. one refund reported both ways
    r.add(
        webhook(
            "api",
            "dlv_api_re",
            at(Duration.ofHours(1)),
            """
            {"provider":"stripe","providerPaymentId":"pi_dbl","refundId":"re_1","amount":"10.00",
             "currency":"USD"}"""));
    r.add(
        webhook(
            "stripe",
            "evt_re_1",
            at(Duration.ofHours(1)).plusSeconds(3),
            Fixtures.stripeEvent(
                "evt_re_1",
                "refund.created",
                at(Duration.ofHours(1)).getEpochSecond(),
                """
                {"id":"re_1","object":"refund","amount":1000,"currency":"usd",
                 "payment_intent":"pi_dbl","status":"succeeded"}""")));
    return r;
  }

  private static Record webhook(String provider, String deliveryId, Instant when, String body) {
    return new Record(
        SITE, Envelopes.webhook(SITE, provider, deliveryId, when, body), when.toEpochMilli());
  }

  @Test
  void aSessionIdAloneLinksThePaymentToThatSessionsVisitorByMetadata() throws Exception {
    assertThat(
            warehouse.query(
                "SELECT provider || '/' || payment_key || '|' || visitor_id || '|' || method"
                    + " || '/' || confidence AS r FROM payments"
                    + " WHERE payment_key IN ('pi_sonly', 'custom:o_1') ORDER BY payment_key"))
        .extracting(row -> row.get("r"))
        .containsExactly(
            "api/custom:o_1|v_social|metadata/high", "stripe/pi_sonly|v_news|metadata/high");
    // one touch, one row per model: not a split over the crowd
    assertThat(
            warehouse.query(
                "SELECT model, count(*) AS n, sum(amount_minor) AS total, min(channel) AS channel"
                    + " FROM revenue_ledger WHERE payment_key = 'pi_sonly' GROUP BY model"))
        .hasSize(6)
        .allSatisfy(
            row -> {
              assertThat(row.get("n")).isEqualTo(1L);
              assertThat(row.get("total")).hasToString("5000");
              assertThat(row.get("channel")).isEqualTo("Email");
            });
  }

  @Test
  void onePaymentReportedByWebhookAndPaymentApiCountsOnceWithTheWebhooksMoney() throws Exception {
    assertThat(
            warehouse.query(
                "SELECT provider || '/' || payment_key || '|' || amount_minor || '|' || livemode"
                    + " || '|' || coalesce(visitor_id, '-') || '|' || method || '|'"
                    + " || coalesce(conflicts, '-') || '|' || refunded_minor AS r FROM payments"
                    + " WHERE payment_key NOT IN ('pi_sonly', 'custom:o_1') ORDER BY payment_key"))
        .extracting(row -> row.get("r"))
        .containsExactly(
            "stripe/pi_cs_2|3000|false|v_cs|metadata|livemode|0",
            "stripe/pi_dbl|9999|false|v_news|metadata|livemode|1000",
            "stripe/pi_late|2000|false|v_social|metadata|amount|0");
    // every model nets each payment exactly once, less its one refund
    assertThat(
            warehouse.query(
                "SELECT payment_key || ':' || model || '=' || sum(amount_minor) AS r"
                    + " FROM revenue_ledger WHERE payment_key IN ('pi_dbl', 'pi_late', 'pi_cs_2')"
                    + " GROUP BY payment_key, model ORDER BY 1"))
        .extracting(row -> row.get("r").toString().replaceAll(":.*=", "="))
        .containsOnly("pi_cs_2=3000", "pi_dbl=8999", "pi_late=2000")
        .hasSize(18);
    assertThat(warehouse.query("SELECT 1 FROM payments WHERE provider = 'api'")).hasSize(1);
  }
}
