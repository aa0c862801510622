package dev.tributary.job.payments.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.job.identity.EmailHash;
import dev.tributary.job.payments.MalformedPayloadException;
import dev.tributary.job.payments.MetadataKeys;
import dev.tributary.job.payments.ParseOutcome;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.testing.Envelopes;
import dev.tributary.job.testing.Fixtures;
import org.junit.jupiter.api.Test;

class StripeParserTest {
  private final StripeParser parser = new StripeParser();

  private ParseOutcome parse(String body) {
    return parser.parse(Envelopes.parsed("acme", "stripe", body), MetadataKeys.DEFAULT);
  }

  @Test
  void paymentIntentFixtureGivesExactAmountAndKey() {
    String body =
        Fixtures.stripeEvent(
            "evt_pi_1",
            "payment_intent.succeeded",
            1_700_000_000L,
            Fixtures.read("stripe/payment_intent.object.json"));

    PaymentEvent p = ((ParseOutcome.Payment) parse(body)).event();

    assertThat(p.paymentKey()).isEqualTo("pi_1PgafyB7WZ01zgkWSjxsAJo3");
    assertThat(p.amountMinor()).isEqualTo(1099);
    assertThat(p.currency()).isEqualTo("USD");
    assertThat(p.currencyExponent()).isEqualTo(2);
    assertThat(p.occurredAtMillis()).isEqualTo(1_700_000_000_000L);
    assertThat(p.eventId()).isEqualTo("evt_pi_1");
    assertThat(p.siteId()).isEqualTo("acme");
    assertThat(p.visitorId()).isNull();
    assertThat(p.livemode()).isFalse();
  }

  @Test
  void unpaidCheckoutSessionFixtureIsIgnoredUntilAsyncSuccess() {
    String body =
        Fixtures.stripeEvent(
            "evt_cs_1",
            "checkout.session.completed",
            1_700_000_000L,
            Fixtures.read("stripe/checkout.session.object.json"));

    assertThat(parse(body))
        .isEqualTo(new ParseOutcome.Ignored("checkout.session.completed:unpaid"));
  }

  @Test
  void paidCheckoutSessionCarriesMetadataEmailAndPaymentIntentKey() {
    String session =
        """
        {"id":"cs_1","object":"checkout.session","payment_status":"paid","amount_total":4900,
         "currency":"jpy","payment_intent":"pi_9","customer":"cus_7",
         "customer_details":{"email":" Ada@Example.com "},
         "metadata":{"tributary_visitor_id":"v_1","tributary_session_id":"s_1"}}""";

    PaymentEvent p =
        ((ParseOutcome.Payment)
                parse(Fixtures.stripeEvent("evt_2", "checkout.session.completed", 10, session)))
            .event();

    assertThat(p.paymentKey()).isEqualTo("pi_9");
    assertThat(p.amountMinor()).isEqualTo(4900);
    assertThat(p.currency()).isEqualTo("JPY");
    assertThat(p.currencyExponent()).isZero();
    assertThat(p.visitorId()).isEqualTo("v_1");
    assertThat(p.sessionId()).isEqualTo("s_1");
    assertThat(p.customerId()).isEqualTo("cus_7");
    assertThat(p.emailHash()).isEqualTo(EmailHash.of("ada@example.com")).hasSize(64);
  }

  @Test
  void configuredAliasesAndClientReferenceIdCarryTheVisitor() {
    String session =
        """
        {"id":"cs_2","payment_status":"paid","amount_total":100,"currency":"usd",
         "payment_intent":{"id":"pi_expanded"},"client_reference_id":"v_ref","metadata":{}}""";
    PaymentEvent p =
        ((ParseOutcome.Payment)
                parse(Fixtures.stripeEvent("evt_3", "checkout.session.completed", 10, session)))
            .event();
    assertThat(p.paymentKey()).isEqualTo("pi_expanded");
    assertThat(p.visitorId()).isEqualTo("v_ref");

    String intent =
        """
        {"id":"pi_4","amount":500,"amount_received":500,"currency":"kwd",
         "metadata":{"visitorId":"v_alias"}}""";
    PaymentEvent q =
        ((ParseOutcome.Payment)
                parse(Fixtures.stripeEvent("evt_4", "payment_intent.succeeded", 10, intent)))
            .event();
    assertThat(q.visitorId()).isEqualTo("v_alias");
    assertThat(q.currencyExponent()).isEqualTo(3);
  }

  @Test
  void otherEventTypesAreIgnoredNotErrors() {
    assertThat(parse(Fixtures.read("stripe/event.envelope_example_plan.created.json")))
        .isEqualTo(new ParseOutcome.Ignored("plan.created"));
  }

  @Test
  void malformedBodiesOfKnownTypesAreRejectedWithAReason() {
    assertThatThrownBy(() -> parse("not json"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("stripe body is not JSON");
    assertThatThrownBy(
            () ->
                parse(
                    Fixtures.stripeEvent(
                        "evt_5",
                        "payment_intent.succeeded",
                        1,
                        "{\"id\":\"pi_1\",\"currency\":\"usd\"}")))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("payment intent.amount is not an integer");
    assertThatThrownBy(
            () ->
                parse(
                    Fixtures.stripeEvent(
                        "evt_6",
                        "payment_intent.succeeded",
                        1,
                        "{\"id\":\"pi_1\",\"amount\":12.5,\"currency\":\"usd\"}")))
        .isInstanceOf(MalformedPayloadException.class);
  }
}
