package dev.tributary.job.payments.creem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.job.base.EmailHash;
import dev.tributary.job.base.MalformedPayloadException;
import dev.tributary.job.payments.MetadataKeys;
import dev.tributary.job.payments.ParseOutcome;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.PaymentRef;
import dev.tributary.job.payments.RefundEvent;
import dev.tributary.job.testing.Envelopes;
import dev.tributary.job.testing.Fixtures;
import dev.tributary.job.testing.ParserProbe;
import dev.tributary.job.testing.PromoCodeCases;
import org.junit.jupiter.api.Test;

/**
 * Creem's own sample payloads (fixtures/creem, from the docs' source in armitage-labs/creem) and
 * copies of them with fields added or changed; the additions follow Creem's SDK entities ({@code
 * OrderEntity.transaction}/{@code amount_paid}, {@code SubscriptionEntity.last_transaction}) and
 * are marked where they are made: no Creem sample carries them in these events.
 */
class CreemParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TRANSACTION = "tran_5yMaWzAl3jxuGJMCOrYWwk";
  private static final String ORDER = "ord_4aDwWXjMLpes4Kj4XqNnUA";
  private static final String CHECKOUT = "ch_4l0N34kxo16AhRKUHFUuXr";
  private static final String SUBSCRIPTION = "sub_6pC2lNB6joCRQIZ1aMrTpi";
  private static final String CUSTOMER = "cust_1OcIK1GEuVvXZwD19tjq2z";

  private final CreemParser parser = new CreemParser();
  private final ParserProbe probe = new ParserProbe(parser);

  private ParseOutcome.Payment paymentOutcome(String deliveryId, String body) {
    ParseOutcome outcome = probe.parse(deliveryId, body);
    assertThat(outcome).isInstanceOf(ParseOutcome.Payment.class);
    return (ParseOutcome.Payment) outcome;
  }

  private static ObjectNode fixture(String name) throws Exception {
    return (ObjectNode) JSON.readTree(Fixtures.read("creem/" + name));
  }

  private static ObjectNode object(ObjectNode event) {
    return (ObjectNode) event.get("object");
  }

  /**
   * The docs' checkout.completed with the order as Creem sends it now: the transaction id and what
   * was paid ({@code OrderEntity} in Creem's SDK; the docs' dispute.created sample shows these
   * fields). Amounts are those of the docs' refund sample for the same order: 1000 + 210 tax.
   */
  private static ObjectNode currentCheckout() throws Exception {
    ObjectNode event = fixture("checkout.completed.json");
    ((ObjectNode) object(event).get("order"))
        .put("transaction", TRANSACTION)
        .put("sub_total", 1000)
        .put("tax_amount", 210)
        .put("amount_due", 1210)
        .put("amount_paid", 1210);
    return event;
  }

  /**
   * The docs' subscription.paid with a {@code last_transaction} object ({@code
   * SubscriptionEntity.last_transaction} in Creem's SDK), here the transaction of the docs' refund
   * sample: the first period's charge.
   */
  private static ObjectNode paidWithTransaction() throws Exception {
    ObjectNode event = fixture("subscription.paid.json");
    object(event)
        .set(
            "last_transaction",
            JSON.readTree(
                """
                {"id":"tran_5yMaWzAl3jxuGJMCOrYWwk","object":"transaction","amount":1000,
                 "amount_paid":1210,"currency":"EUR","type":"invoice","tax_country":"NL",
                 "tax_amount":210,"status":"paid","order":"ord_4aDwWXjMLpes4Kj4XqNnUA",
                 "subscription":"sub_6pC2lNB6joCRQIZ1aMrTpi","description":"Subscription payment",
                 "period_start":1728734318000,"period_end":1731412718000,
                 "created_at":1728734327109,"mode":"local"}"""));
    return event;
  }

  @Test
  void providerNameAndNoArgConstructor() {
    assertThat(new CreemParser().provider()).isEqualTo("creem");
  }

  @Test
  void checkoutCompletedFixtureIsOnePaymentOfItsOrder() {
    ParseOutcome.Payment outcome =
        paymentOutcome(
            "evt_5WHHcZPv7VS0YUsberIuOz", Fixtures.read("creem/checkout.completed.json"));
    PaymentEvent p = outcome.event();

    assertThat(p.siteId()).isEqualTo("acme");
    assertThat(p.provider()).isEqualTo("creem");
    assertThat(p.eventType()).isEqualTo("checkout.completed");
    assertThat(p.eventId()).isEqualTo("evt_5WHHcZPv7VS0YUsberIuOz");
    // The docs' order names no transaction: keyed by the order id.
    assertThat(p.paymentKey()).isEqualTo(ORDER);
    assertThat(p.amountMinor()).isEqualTo(1_000); // order.amount, EUR 10.00
    assertThat(p.currency()).isEqualTo("EUR");
    assertThat(p.currencyExponent()).isEqualTo(2);
    assertThat(p.occurredAtMillis()).isEqualTo(1_728_734_325_927L); // the event's created_at
    assertThat(p.visitorId()).isNull(); // metadata without the tracker's keys
    assertThat(p.sessionId()).isNull();
    assertThat(p.customerId()).isEqualTo(CUSTOMER);
    assertThat(p.emailHash()).isEqualTo(EmailHash.of("customer@emaildomain")).hasSize(64);
    assertThat(p.subscriptionId()).isEqualTo(SUBSCRIPTION);
    assertThat(p.renewal()).isFalse();
    assertThat(p.livemode()).isFalse(); // "mode":"local", the docs' environment
    assertThat(outcome.aliases()).containsExactly(CHECKOUT);
  }

  @Test
  void aCurrentOrderIsKeyedByItsTransactionAtWhatWasPaid() throws Exception {
    ParseOutcome.Payment outcome = paymentOutcome("evt_1", currentCheckout().toString());

    assertThat(outcome.event().paymentKey()).isEqualTo(TRANSACTION);
    assertThat(outcome.event().amountMinor()).isEqualTo(1_210); // amount_paid: with tax
    assertThat(outcome.aliases()).containsExactly(ORDER, CHECKOUT);

    // Without amount_paid, amount_due.
    ObjectNode due = currentCheckout();
    ((ObjectNode) object(due).get("order")).remove("amount_paid");
    ((ObjectNode) object(due).get("order")).put("amount_due", 1_199);
    assertThat(probe.payment("evt_2", due.toString()).amountMinor()).isEqualTo(1_199);

    // A 100 % discount pays nothing: a zero-amount event, never booked by the ledger.
    ObjectNode free = currentCheckout();
    ((ObjectNode) object(free).get("order")).put("amount_paid", 0).put("discount_amount", 1210);
    assertThat(probe.payment("evt_3", free.toString()).amountMinor()).isZero();
  }

  @Test
  void metadataOfTheCheckoutThenOfItsSubscriptionCarryTheIds() throws Exception {
    ObjectNode event = fixture("checkout.completed.json");
    ((ObjectNode) object(event).get("metadata"))
        .put("tributary_visitor_id", "v_1")
        .put("tributary_session_id", "s_1");

    PaymentEvent p = probe.payment("evt", event.toString());
    assertThat(p.visitorId()).isEqualTo("v_1");
    assertThat(p.sessionId()).isEqualTo("s_1");
    assertThat(p.linkMethod()).isEqualTo(dev.tributary.job.payments.LinkMethod.METADATA.code());

    ObjectNode onSubscription = fixture("checkout.completed.json");
    ((ObjectNode) object(onSubscription).get("subscription").get("metadata"))
        .put("visitor_id", "v_sub")
        .put("sessionId", "s_sub");
    PaymentEvent q = probe.payment("evt", onSubscription.toString());
    assertThat(q.visitorId()).isEqualTo("v_sub");
    assertThat(q.sessionId()).isEqualTo("s_sub");

    ((ObjectNode) object(onSubscription).get("metadata")).put("tributary_visitor_id", "v_co");
    assertThat(probe.payment("evt", onSubscription.toString()).visitorId()).isEqualTo("v_co");
  }

  @Test
  void modeTellsTestFromLive() throws Exception {
    String[][] modes = {{"prod", "true"}, {"test", "false"}, {"sandbox", "false"}};
    for (String[] mode : modes) {
      ObjectNode event = fixture("checkout.completed.json");
      object(event).put("mode", mode[0]);
      assertThat(probe.payment("evt", event.toString()).livemode())
          .as(mode[0])
          .isEqualTo(Boolean.parseBoolean(mode[1]));
    }
    ObjectNode none = fixture("checkout.completed.json");
    object(none).remove("mode");
    ((ObjectNode) object(none).get("order")).remove("mode");
    assertThat(probe.payment("evt", none.toString()).livemode()).isTrue();
  }

  @Test
  void refundCreatedFixtureIsOneRefundOfItsTransaction() {
    RefundEvent r =
        probe.refund("evt_61eTsJHUgInFw2BQKhTiPV", Fixtures.read("creem/refund.created.json"));

    assertThat(r.siteId()).isEqualTo("acme");
    assertThat(r.provider()).isEqualTo("creem");
    assertThat(r.eventType()).isEqualTo("refund.created");
    assertThat(r.eventId()).isEqualTo("evt_61eTsJHUgInFw2BQKhTiPV");
    assertThat(r.refundKey()).isEqualTo("ref_3DB9NQFvk18TJwSqd0N6bd");
    assertThat(r.paymentKey()).isEqualTo(TRANSACTION);
    assertThat(r.kind()).isEqualTo(RefundEvent.REFUND);
    assertThat(r.amountMinor()).isEqualTo(1_210); // refund_amount, with tax
    assertThat(r.currency()).isEqualTo("EUR");
    assertThat(r.currencyExponent()).isEqualTo(2);
    assertThat(r.cumulative()).isFalse();
    assertThat(r.full()).isFalse();
    assertThat(r.occurredAtMillis()).isEqualTo(1_728_734_351_525L); // the refund's created_at
    assertThat(r.livemode()).isFalse(); // "mode":"local"
  }

  @Test
  void aRefundMeetsTheCheckoutAndTheSubscriptionChargeOfItsTransaction() throws Exception {
    RefundEvent r = probe.refund("evt_rf", Fixtures.read("creem/refund.created.json"));
    PaymentEvent checkout = probe.payment("evt_co", currentCheckout().toString());
    PaymentEvent paid = probe.payment("evt_sp", paidWithTransaction().toString());

    assertThat(r.paymentConsolidationKey())
        .isEqualTo(checkout.consolidationKey())
        .isEqualTo(paid.consolidationKey())
        .isEqualTo("acme|creem|" + TRANSACTION);
    // The checkout and the first subscription.paid are one payment, counted once.
    PaymentEvent merged = checkout.mergedWith(paid);
    assertThat(merged.amountMinor()).isEqualTo(1_210).isEqualTo(r.amountMinor());
    assertThat(merged.renewal()).isFalse();
    assertThat(merged.subscriptionId()).isEqualTo(SUBSCRIPTION);
    assertThat(merged.conflicts()).isNull();
  }

  @Test
  void refundsNotSucceededAreIgnored() throws Exception {
    for (String status : new String[] {"pending", "failed", "canceled"}) {
      ObjectNode event = fixture("refund.created.json");
      object(event).put("status", status);
      assertThat(probe.parse("evt", event.toString()))
          .isEqualTo(new ParseOutcome.Ignored("refund.created:" + status));
    }
  }

  @Test
  void firstSubscriptionPaidWithoutItsTransactionLeavesTheMoneyToTheCheckout() {
    // The docs' sample: no last_transaction, the period starts with the subscription.
    assertThat(probe.parse("evt", Fixtures.read("creem/subscription.paid.json")))
        .isEqualTo(new ParseOutcome.Ignored("subscription.paid:first"));
  }

  @Test
  void subscriptionPaidWithItsTransactionIsThatPayment() throws Exception {
    ObjectNode event = paidWithTransaction();
    ((ObjectNode) object(event).get("metadata")).put("tributary_visitor_id", "v_sub");

    PaymentEvent p = probe.payment("evt_21mO1jWmU2QHe7u2oFV7y1", event.toString());

    assertThat(p.eventType()).isEqualTo("subscription.paid");
    assertThat(p.paymentKey()).isEqualTo(TRANSACTION);
    assertThat(p.amountMinor()).isEqualTo(1_210);
    assertThat(p.currency()).isEqualTo("EUR");
    assertThat(p.occurredAtMillis()).isEqualTo(1_728_734_327_109L); // the transaction's
    assertThat(p.subscriptionId()).isEqualTo(SUBSCRIPTION);
    assertThat(p.customerId()).isEqualTo(CUSTOMER);
    assertThat(p.emailHash()).isEqualTo(EmailHash.of("customer@emaildomain"));
    assertThat(p.visitorId()).isEqualTo("v_sub");
    assertThat(p.renewal()).isFalse(); // the first period
    assertThat(p.livemode()).isFalse();
  }

  @Test
  void aLaterPeriodsChargeIsARenewal() throws Exception {
    ObjectNode event = paidWithTransaction();
    ((ObjectNode) object(event).get("last_transaction"))
        .put("id", "tran_renewal_1")
        .put("period_start", 1_731_412_718_000L) // 2024-11-12T11:58:38Z, a month on
        .put("created_at", 1_731_412_725_000L);
    object(event).put("current_period_start_date", "2024-11-12T11:58:38.000Z");

    PaymentEvent p = probe.payment("evt_renewal", event.toString());

    assertThat(p.paymentKey()).isEqualTo("tran_renewal_1");
    assertThat(p.renewal()).isTrue();
    assertThat(p.amountMinor()).isEqualTo(1_210);

    // The same charge without its transaction cannot be booked: refused with the reason.
    object(event).remove("last_transaction");
    assertThatThrownBy(() -> probe.parse("evt_renewal", event.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("creem subscription.paid has no last_transaction");
  }

  @Test
  void otherEventTypesAreIgnoredNotErrors() throws Exception {
    assertThat(probe.parse("evt", Fixtures.read("creem/dispute.created.json")))
        .isEqualTo(new ParseOutcome.Ignored("dispute.created"));
    ObjectNode active = fixture("subscription.paid.json");
    active.put("eventType", "subscription.active");
    assertThat(probe.parse("evt", active.toString()))
        .isEqualTo(new ParseOutcome.Ignored("subscription.active"));
    assertThat(probe.parse("evt", "{\"eventType\":\"subscription.canceled\"}"))
        .isEqualTo(new ParseOutcome.Ignored("subscription.canceled"));
    ObjectNode pending = fixture("checkout.completed.json");
    ((ObjectNode) object(pending).get("order")).put("status", "pending");
    assertThat(probe.parse("evt", pending.toString()))
        .isEqualTo(new ParseOutcome.Ignored("checkout.completed:pending"));
  }

  @Test
  void malformedBodiesOfKnownTypesAreRejectedWithAReason() throws Exception {
    assertThatThrownBy(() -> probe.parse("evt", "not json"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("creem body is not JSON");
    assertThatThrownBy(() -> probe.parse("evt", "{\"id\":\"evt_1\"}"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("creem body has no eventType");
    assertThatThrownBy(() -> probe.parse("evt", "{\"eventType\":\"checkout.completed\"}"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("creem event has no object");

    ObjectNode noOrder = fixture("checkout.completed.json");
    object(noOrder).remove("order");
    assertThatThrownBy(() -> probe.parse("evt", noOrder.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("creem checkout has no order");

    for (String amount : new String[] {"\"10.00\"", "10.5", "null"}) {
      ObjectNode event = fixture("checkout.completed.json");
      ((ObjectNode) object(event).get("order")).set("amount", JSON.readTree(amount));
      assertThatThrownBy(() -> probe.parse("evt", event.toString()))
          .as(amount)
          .isInstanceOf(MalformedPayloadException.class)
          .hasMessage("creem order.amount is not an integer");
    }
    ObjectNode negative = currentCheckout();
    ((ObjectNode) object(negative).get("order")).put("amount_paid", -1210);
    assertThatThrownBy(() -> probe.parse("evt", negative.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("creem order.amount_paid is negative");

    ObjectNode currency = fixture("checkout.completed.json");
    ((ObjectNode) object(currency).get("order")).put("currency", "EURO");
    assertThatThrownBy(() -> probe.parse("evt", currency.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("currency is not a three-letter code");

    ObjectNode refundWithoutTransaction = fixture("refund.created.json");
    object(refundWithoutTransaction).remove("transaction");
    assertThatThrownBy(() -> probe.parse("evt", refundWithoutTransaction.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("creem refund has no transaction");

    ObjectNode refundAmount = fixture("refund.created.json");
    object(refundAmount).put("refund_amount", "12.10");
    assertThatThrownBy(() -> probe.parse("evt", refundAmount.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("creem refund.refund_amount is not an integer");

    ObjectNode transactionWithoutCurrency = paidWithTransaction();
    ((ObjectNode) object(transactionWithoutCurrency).get("last_transaction")).remove("currency");
    assertThatThrownBy(() -> probe.parse("evt", transactionWithoutCurrency.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("creem transaction has no currency");
  }

  @Test
  void paymentApiCallsNameTheTransactionOrAnotherIdOfTheMoney() {
    assertThat(parser.paymentRef(TRANSACTION)).isEqualTo(PaymentRef.key(TRANSACTION));
    assertThat(parser.paymentRef(ORDER)).isEqualTo(PaymentRef.linkedBy(ORDER));
    assertThat(parser.paymentRef(CHECKOUT)).isEqualTo(PaymentRef.linkedBy(CHECKOUT));
    assertThat(parser.paymentRef("12345")).isNull();

    String call =
        """
        {"provider":"creem.io","providerPaymentId":"%s","amount":"12.10","currency":"EUR"}"""
            .formatted(TRANSACTION);
    ParseOutcome outcome =
        dev.tributary.job.payments.providers.PaymentProviders.parsers()
            .parse(Envelopes.parsed("acme", "api", "api_1", call), MetadataKeys.DEFAULT);
    PaymentEvent api = ((ParseOutcome.Payment) outcome).event();
    assertThat(api.provider()).isEqualTo("creem");
    assertThat(api.consolidationKey()).isEqualTo("acme|creem|" + TRANSACTION);
    assertThat(api.amountMinor()).isEqualTo(1_210);
  }

  @Test
  void theOrdersDiscountIsItsCode() throws Exception {
    // the docs' 2024 sample applies none
    assertThat(probe.payment("evt_c0", Fixtures.read("creem/checkout.completed.json")).promoCode())
        .isNull();

    // OrderEntity.discount in Creem's SDK: "The discount ID of the order"
    ObjectNode event = currentCheckout();
    ((ObjectNode) object(event).get("order")).put("discount", "dis_1234567890");
    assertThat(probe.payment("evt_c1", event.toString()).promoCode()).isEqualTo("dis_1234567890");
  }

  @Test
  void oddCodesNeverBreakAPayment() throws Exception {
    ObjectNode event = currentCheckout();
    PromoCodeCases.areHarmless(
        probe,
        event,
        (body, code) -> ((ObjectNode) object(body).get("order")).set("discount", code));
  }
}
