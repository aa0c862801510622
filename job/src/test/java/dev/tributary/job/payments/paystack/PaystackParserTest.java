package dev.tributary.job.payments.paystack;

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
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Paystack's own sample payloads (fixtures/paystack, from PaystackOSS/doc-code-snippets) and copies
 * of them changed in one field each; bodies written here by hand say so.
 */
class PaystackParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHARGE = "paystack/charge.success.transaction_successful.json";

  private final PaystackParser parser = new PaystackParser();
  private final ParserProbe probe = new ParserProbe(parser);

  private static ObjectNode fixture(String name) throws Exception {
    return (ObjectNode) JSON.readTree(Fixtures.read("paystack/" + name));
  }

  private static ObjectNode data(ObjectNode event) {
    return (ObjectNode) event.get("data");
  }

  private static ObjectNode charge() throws Exception {
    return fixture("charge.success.transaction_successful.json");
  }

  private static long millis(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void providerNameAndNoArgConstructor() {
    assertThat(new PaystackParser().provider()).isEqualTo("paystack");
  }

  @Test
  void chargeSuccessFixtureGivesExactKoboAndTheTransactionReference() {
    PaymentEvent p = probe.payment("sha256:aa", Fixtures.read(CHARGE));

    assertThat(p.siteId()).isEqualTo("acme");
    assertThat(p.provider()).isEqualTo("paystack");
    assertThat(p.eventType()).isEqualTo("charge.success");
    assertThat(p.eventId()).isEqualTo("sha256:aa");
    assertThat(p.paymentKey()).isEqualTo("qTPrJoy9Bx");
    assertThat(p.amountMinor()).isEqualTo(10_000); // NGN 100.00 in kobo
    assertThat(p.currency()).isEqualTo("NGN");
    assertThat(p.currencyExponent()).isEqualTo(2);
    assertThat(p.occurredAtMillis()).isEqualTo(millis("2016-09-30T21:10:19Z")); // paid_at
    assertThat(p.visitorId()).isNull(); // "metadata":0
    assertThat(p.sessionId()).isNull();
    assertThat(p.customerId()).isEqualTo("CUS_qo38as2hpsgk2r0");
    assertThat(p.emailHash()).isEqualTo(EmailHash.of("bojack@horseman.com")).hasSize(64);
    assertThat(p.subscriptionId()).isNull();
    assertThat(p.renewal()).isFalse();
    assertThat(p.livemode()).isTrue(); // "domain":"live"
  }

  @Test
  void otherDocumentedChargesKenyaTestModeAndAStringAmount() {
    PaymentEvent terminal =
        probe.payment("d1", Fixtures.read("paystack/charge.success.virtual_terminal.json"));
    assertThat(terminal.paymentKey()).isEqualTo("T173424527684156");
    assertThat(terminal.amountMinor()).isEqualTo(10_000); // KES 100.00 in cents
    assertThat(terminal.currency()).isEqualTo("KES");
    assertThat(terminal.currencyExponent()).isEqualTo(2);
    assertThat(terminal.livemode()).isFalse(); // "domain":"test"
    assertThat(terminal.visitorId()).isNull(); // metadata without the tracker's keys
    assertThat(terminal.customerId()).isEqualTo("CUS_edn4wbf00pcot1p");

    PaymentEvent pesalink =
        probe.payment("d2", Fixtures.read("paystack/charge.success.pesalink.json"));
    assertThat(pesalink.paymentKey()).isEqualTo("uybxnzf71231");
    assertThat(pesalink.amountMinor()).isEqualTo(1_000);
    assertThat(pesalink.currency()).isEqualTo("KES");
    // paid_at wins over the sample's disagreeing paidAt
    assertThat(pesalink.occurredAtMillis()).isEqualTo(millis("2025-06-21T11:11:27Z"));
    assertThat(pesalink.livemode()).isTrue();

    PaymentEvent pos =
        probe.payment("d3", Fixtures.read("paystack/charge.success.terminal_invoice.json"));
    assertThat(pos.paymentKey()).isEqualTo("pos_wtwyrj7n6x");
    assertThat(pos.amountMinor()).isEqualTo(5_000); // "amount":"5000"
    assertThat(pos.currency()).isEqualTo("NGN");
    assertThat(pos.emailHash()).isEqualTo(EmailHash.of("pos_e3iesb-eh@email.com"));
  }

  @Test
  void paidAtFallsBackToPaidAtCamelCaseThenCreatedAt() throws Exception {
    ObjectNode event = charge();
    data(event).remove("paid_at");
    data(event).put("paidAt", "2016-09-30T21:10:20.000Z");
    assertThat(probe.payment("d", event.toString()).occurredAtMillis())
        .isEqualTo(millis("2016-09-30T21:10:20Z"));

    data(event).remove("paidAt");
    assertThat(probe.payment("d", event.toString()).occurredAtMillis())
        .isEqualTo(millis("2016-09-30T21:09:56Z"));
  }

  @Test
  void subunitsOfEachPaystackCurrencyAreTwoDigits() throws Exception {
    // Paystack documents kobo (NGN), pesewas (GHS) and cents (ZAR, KES, USD): ISO 4217's digits.
    for (String currency : new String[] {"NGN", "GHS", "ZAR", "KES", "USD"}) {
      ObjectNode event = charge();
      data(event).put("currency", currency).put("amount", 123_456);
      PaymentEvent p = probe.payment("d_" + currency, event.toString());
      assertThat(p.amountMinor()).as(currency).isEqualTo(123_456);
      assertThat(p.currency()).isEqualTo(currency);
      assertThat(p.currencyExponent()).as(currency).isEqualTo(2);
      assertThat(parser.exponent(currency)).isEqualTo(2);
    }
    ObjectNode lower = charge();
    data(lower).put("currency", "ghs");
    assertThat(probe.payment("d", lower.toString()).currency()).isEqualTo("GHS");
  }

  @Test
  void metadataObjectCarriesTheTrackerIds() throws Exception {
    ObjectNode event = charge();
    data(event)
        .putObject("metadata")
        .put("tributary_visitor_id", "v_1")
        .put("tributary_session_id", "s_1")
        .put("cart_id", 398);

    PaymentEvent p = probe.payment("d", event.toString());

    assertThat(p.visitorId()).isEqualTo("v_1");
    assertThat(p.sessionId()).isEqualTo("s_1");
    assertThat(p.linkMethod()).isEqualTo(dev.tributary.job.payments.LinkMethod.METADATA.code());
  }

  @Test
  void metadataAsAJsonStringIsReadLikeAnObject() throws Exception {
    ObjectNode event = charge();
    data(event)
        .put("metadata", "{\"visitorId\":\"v_str\",\"session_id\":\"s_str\",\"cart_id\":\"7\"}");

    PaymentEvent p = probe.payment("d", event.toString());

    assertThat(p.visitorId()).isEqualTo("v_str");
    assertThat(p.sessionId()).isEqualTo("s_str");
  }

  @Test
  void emptyZeroNullOrFreeTextMetadataCarriesNoIds() throws Exception {
    String[] shapes = {"\"\"", "0", "null", "[]", "\"order 12\"", "\"{not json\"", "true"};
    for (String shape : shapes) {
      ObjectNode event = charge();
      data(event).set("metadata", JSON.readTree(shape));
      PaymentEvent p = probe.payment("d", event.toString());
      assertThat(p.visitorId()).as(shape).isNull();
      assertThat(p.sessionId()).as(shape).isNull();
      assertThat(p.amountMinor()).as(shape).isEqualTo(10_000);
    }
  }

  @Test
  void customFieldsCarryTheIdsByVariableName() throws Exception {
    ObjectNode event = charge();
    data(event)
        .set(
            "metadata",
            JSON.readTree(
                """
                {"custom_fields":[
                  {"display_name":"Mobile Number","variable_name":"mobile_number","value":"+2348012345678"},
                  {"display_name":"Visitor","variable_name":"tributary_visitor_id","value":"v_cf"},
                  {"display_name":"Session","variable_name":"tributary_session_id","value":"s_cf"},
                  {"display_name":"Visitor again","variable_name":"tributary_visitor_id","value":"v_2"}
                ]}"""));

    PaymentEvent p = probe.payment("d", event.toString());

    assertThat(p.visitorId()).isEqualTo("v_cf");
    assertThat(p.sessionId()).isEqualTo("s_cf");

    // A display name is a label, not a key.
    ObjectNode labelled = charge();
    data(labelled)
        .set(
            "metadata",
            JSON.readTree(
                "{\"custom_fields\":[{\"display_name\":\"tributary_visitor_id\","
                    + "\"variable_name\":\"visitor\",\"value\":\"v_x\"}]}"));
    assertThat(probe.payment("d", labelled.toString()).visitorId()).isNull();

    // Plain keys win over custom fields; both may sit in a metadata string.
    ObjectNode both = charge();
    data(both)
        .put(
            "metadata",
            "{\"tributary_visitor_id\":\"v_top\",\"custom_fields\":[{\"display_name\":\"V\","
                + "\"variable_name\":\"tributary_visitor_id\",\"value\":\"v_cf\"},"
                + "{\"display_name\":\"S\",\"variable_name\":\"session_id\",\"value\":\"s_cf\"}]}");
    PaymentEvent p2 = probe.payment("d", both.toString());
    assertThat(p2.visitorId()).isEqualTo("v_top");
    assertThat(p2.sessionId()).isEqualTo("s_cf");
  }

  @Test
  void customerMetadataNamesTheVisitorButNeverTheSession() throws Exception {
    ObjectNode event = charge();
    ((ObjectNode) data(event).get("customer"))
        .putObject("metadata")
        .put("tributary_visitor_id", "v_customer")
        .put("tributary_session_id", "s_stale");

    PaymentEvent p = probe.payment("d", event.toString());

    assertThat(p.visitorId()).isEqualTo("v_customer");
    assertThat(p.sessionId()).isNull();

    // The transaction's own metadata wins.
    data(event).putObject("metadata").put("tributary_visitor_id", "v_checkout");
    assertThat(probe.payment("d", event.toString()).visitorId()).isEqualTo("v_checkout");
  }

  @Test
  void paidInvoiceIsTheRenewalChargeOfItsSubscription() {
    PaymentEvent renewal = probe.payment("d_inv", Fixtures.read("paystack/invoice.update.json"));

    assertThat(renewal.eventType()).isEqualTo("invoice.update");
    assertThat(renewal.paymentKey()).isEqualTo("rdtmivs7zf"); // transaction.reference
    assertThat(renewal.amountMinor()).isEqualTo(50_000);
    assertThat(renewal.currency()).isEqualTo("NGN");
    assertThat(renewal.currencyExponent()).isEqualTo(2);
    assertThat(renewal.subscriptionId()).isEqualTo("SUB_l07i1s6s39nmytr");
    assertThat(renewal.customerId()).isEqualTo("CUS_xnxdt6s1zg1f4nx");
    assertThat(renewal.emailHash()).isEqualTo(EmailHash.of("bojack@horsinaround.com"));
    assertThat(renewal.renewal()).isTrue();
    assertThat(renewal.livemode()).isFalse(); // "domain":"test"
    assertThat(renewal.occurredAtMillis()).isEqualTo(millis("2016-04-19T06:00:09Z"));

    PaymentEvent created = probe.payment("d_inv2", Fixtures.read("paystack/invoice.create.json"));
    assertThat(created.paymentKey()).isEqualTo("9cfbae6e-bbf3-5b41-8aef-d72c1a17650g");
    assertThat(created.amountMinor()).isEqualTo(50_000);
    assertThat(created.subscriptionId()).isEqualTo("SUB_fq7dbe8tju0i1v8");
    assertThat(created.customerId()).isEqualTo("CUS_00w4ath3e2ukno4");
    assertThat(created.renewal()).isTrue();
  }

  @Test
  void aRenewalsChargeAndInvoiceAreOnePaymentFlaggedRenewal() throws Exception {
    ObjectNode chargeEvent = charge();
    data(chargeEvent).put("reference", "rdtmivs7zf").put("amount", 50_000);
    ((ObjectNode) data(chargeEvent).get("customer")).put("customer_code", "CUS_xnxdt6s1zg1f4nx");
    PaymentEvent charge = probe.payment("sha256:charge", chargeEvent.toString());
    PaymentEvent invoice =
        probe.payment("sha256:invoice", Fixtures.read("paystack/invoice.update.json"));

    assertThat(charge.renewal()).isFalse();
    assertThat(invoice.consolidationKey())
        .isEqualTo(charge.consolidationKey())
        .isEqualTo("acme|paystack|rdtmivs7zf");
    PaymentEvent merged = charge.mergedWith(invoice);
    assertThat(merged.amountMinor()).isEqualTo(50_000); // once, not twice
    assertThat(merged.renewal()).isTrue();
    assertThat(merged.subscriptionId()).isEqualTo("SUB_l07i1s6s39nmytr");
    assertThat(merged.customerId()).isEqualTo("CUS_xnxdt6s1zg1f4nx");
    assertThat(merged.conflicts()).isEqualTo("livemode"); // the samples disagree on domain
    assertThat(invoice.mergedWith(charge)).isEqualTo(merged);
  }

  @Test
  void unpaidOrFailedInvoicesAreIgnored() throws Exception {
    assertThat(probe.parse("d", Fixtures.read("paystack/invoice.payment_failed.json")))
        .isEqualTo(new ParseOutcome.Ignored("invoice.payment_failed"));
    ObjectNode pending = fixture("invoice.update.json");
    data(pending).put("paid", false).put("status", "pending");
    assertThat(probe.parse("d", pending.toString()))
        .isEqualTo(new ParseOutcome.Ignored("invoice.update:unpaid"));
  }

  @Test
  void refundProcessedFixtureIsOneRefundOfItsTransaction() {
    RefundEvent r = probe.refund("sha256:rf", Fixtures.read("paystack/refund.processed.json"));

    assertThat(r.siteId()).isEqualTo("acme");
    assertThat(r.provider()).isEqualTo("paystack");
    assertThat(r.eventType()).isEqualTo("refund.processed");
    assertThat(r.eventId()).isEqualTo("sha256:rf");
    assertThat(r.refundKey()).isEqualTo("132013318360"); // refund_reference
    assertThat(r.paymentKey()).isEqualTo("T2154954_412829_3be32076_6lcg3");
    assertThat(r.kind()).isEqualTo(RefundEvent.REFUND);
    assertThat(r.amountMinor()).isEqualTo(5_000); // "amount":"5000"
    assertThat(r.currency()).isEqualTo("NGN");
    assertThat(r.currencyExponent()).isEqualTo(2);
    assertThat(r.cumulative()).isFalse();
    assertThat(r.full()).isFalse();
    assertThat(r.livemode()).isTrue();
    assertThat(r.occurredAtMillis()).isEqualTo(millis("2026-11-23T10:00:00Z")); // received
  }

  @Test
  void aRefundMeetsThePaymentWhoseReferenceItNames() throws Exception {
    ObjectNode chargeEvent = charge();
    data(chargeEvent).put("reference", "T2154954_412829_3be32076_6lcg3");
    PaymentEvent paid = probe.payment("d1", chargeEvent.toString());
    RefundEvent refunded = probe.refund("d2", Fixtures.read("paystack/refund.processed.json"));

    assertThat(refunded.paymentConsolidationKey())
        .isEqualTo(paid.consolidationKey())
        .isEqualTo("acme|paystack|T2154954_412829_3be32076_6lcg3");
  }

  @Test
  void aRefundWithoutRefundReferenceIsKeyedByItsDelivery() throws Exception {
    ObjectNode event = fixture("refund.processed.json");
    data(event).putNull("refund_reference");

    RefundEvent first = probe.refund("sha256:same-bytes", event.toString());
    RefundEvent retry = probe.refund("sha256:same-bytes", event.toString());

    assertThat(first.refundKey()).isEqualTo("sha256:same-bytes").isEqualTo(retry.refundKey());
    assertThat(first.amountMinor()).isEqualTo(5_000);
  }

  @Test
  void refundsNotYetProcessedMoveNoMoneyAndAreIgnored() throws Exception {
    assertThat(probe.parse("d", Fixtures.read("paystack/refund.pending.json")))
        .isEqualTo(new ParseOutcome.Ignored("refund.pending"));
    ObjectNode failed = fixture("refund.pending.json");
    failed.put("event", "refund.failed");
    assertThat(probe.parse("d", failed.toString()))
        .isEqualTo(new ParseOutcome.Ignored("refund.failed"));
  }

  @Test
  void otherEventTypesAreIgnoredNotErrors() throws Exception {
    ObjectNode dispute = charge();
    dispute.put("event", "charge.dispute.create");
    assertThat(probe.parse("d", dispute.toString()))
        .isEqualTo(new ParseOutcome.Ignored("charge.dispute.create"));
    assertThat(probe.parse("d", "{\"event\":\"transfer.success\",\"data\":{}}"))
        .isEqualTo(new ParseOutcome.Ignored("transfer.success"));
    assertThat(probe.parse("d", "{\"event\":\"subscription.create\"}"))
        .isEqualTo(new ParseOutcome.Ignored("subscription.create"));
    ObjectNode notSuccessful = charge();
    data(notSuccessful).put("status", "reversed");
    assertThat(probe.parse("d", notSuccessful.toString()))
        .isEqualTo(new ParseOutcome.Ignored("charge.success:reversed"));
  }

  @Test
  void malformedBodiesOfKnownTypesAreRejectedWithAReason() throws Exception {
    assertThatThrownBy(() -> probe.parse("d", "not json"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("paystack body is not JSON");
    assertThatThrownBy(() -> probe.parse("d", "{\"data\":{}}"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("paystack body has no event");
    assertThatThrownBy(() -> probe.parse("d", "{\"event\":\"charge.success\",\"data\":0}"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("paystack event has no data");

    for (String amount : new String[] {"\"12.50\"", "12.5", "\"-5\"", "-5", "\"\"", "null"}) {
      ObjectNode event = charge();
      data(event).set("amount", JSON.readTree(amount));
      String reason =
          amount.equals("-5")
              ? "paystack transaction.amount is negative"
              : "paystack transaction.amount is not an integer";
      assertThatThrownBy(() -> probe.parse("d", event.toString()))
          .as(amount)
          .isInstanceOf(MalformedPayloadException.class)
          .hasMessage(reason);
    }
    ObjectNode huge = charge();
    data(huge).put("amount", "9999999999999999999");
    assertThatThrownBy(() -> probe.parse("d", huge.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("paystack transaction.amount is not an integer");

    ObjectNode noReference = charge();
    data(noReference).remove("reference");
    assertThatThrownBy(() -> probe.parse("d", noReference.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("paystack transaction has no reference");

    ObjectNode badCurrency = charge();
    data(badCurrency).put("currency", "NAIRA");
    assertThatThrownBy(() -> probe.parse("d", badCurrency.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("currency is not a three-letter code");

    ObjectNode refundWithoutPayment = fixture("refund.processed.json");
    data(refundWithoutPayment).remove("transaction_reference");
    assertThatThrownBy(() -> probe.parse("d", refundWithoutPayment.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("paystack refund has no transaction_reference");

    ObjectNode refundAmount = fixture("refund.processed.json");
    data(refundAmount).put("amount", "50.00");
    assertThatThrownBy(() -> probe.parse("d", refundAmount.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("paystack refund.amount is not an integer");

    ObjectNode invoiceWithoutTransaction = fixture("invoice.update.json");
    data(invoiceWithoutTransaction).remove("transaction");
    assertThatThrownBy(() -> probe.parse("d", invoiceWithoutTransaction.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("paystack invoice has no transaction");
  }

  @Test
  void aPaymentApiCallNamingTheReferenceIsBookedAsThatPaystackPayment() {
    assertThat(parser.paymentRef("qTPrJoy9Bx")).isEqualTo(PaymentRef.key("qTPrJoy9Bx"));
    String call =
        """
        {"provider":"Paystack","providerPaymentId":"qTPrJoy9Bx","amount":"100.00",
         "currency":"NGN","visitorId":"v_api"}""";

    ParseOutcome outcome =
        dev.tributary.job.payments.providers.PaymentProviders.parsers()
            .parse(Envelopes.parsed("acme", "api", "api_1", call), MetadataKeys.DEFAULT);

    PaymentEvent api = ((ParseOutcome.Payment) outcome).event();
    PaymentEvent webhook = probe.payment("d", Fixtures.read(CHARGE));
    assertThat(api.provider()).isEqualTo("paystack");
    assertThat(api.consolidationKey()).isEqualTo(webhook.consolidationKey());
    assertThat(api.amountMinor()).isEqualTo(10_000);
    assertThat(api.currencyExponent()).isEqualTo(2);
  }

  @Test
  void aChargeNamesNoPromotionCode() throws Exception {
    // Paystack's transactions name no coupon or discount: no field to read, whatever the payload
    assertThat(probe.payment("sha256:p0", Fixtures.read(CHARGE)).promoCode()).isNull();
    assertThat(
            probe.payment("sha256:p1", Fixtures.read("paystack/invoice.update.json")).promoCode())
        .isNull();
  }
}
