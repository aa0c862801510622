package dev.tributary.job.payments.paddle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.job.base.MalformedPayloadException;
import dev.tributary.job.payments.MetadataKeys;
import dev.tributary.job.payments.ParseOutcome;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.RefundEvent;
import dev.tributary.job.testing.Envelopes;
import dev.tributary.job.testing.Fixtures;
import dev.tributary.job.testing.ParserProbe;
import dev.tributary.job.testing.PromoCodeCases;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PaddleParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final PaddleParser parser = new PaddleParser();

  private ParseOutcome parse(String body) {
    return parser.parse(Envelopes.parsed("acme", "paddle", body), MetadataKeys.DEFAULT);
  }

  private PaymentEvent payment(String body) {
    return ((ParseOutcome.Payment) parse(body)).event();
  }

  private RefundEvent refund(String body) {
    return ((ParseOutcome.Refund) parse(body)).event();
  }

  private static long millis(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  private static ObjectNode fixture(String name) throws Exception {
    return (ObjectNode) JSON.readTree(Fixtures.read("paddle/" + name));
  }

  private static void assertMalformed(Runnable r, String reason) {
    assertThatThrownBy(r::run).isInstanceOf(MalformedPayloadException.class).hasMessage(reason);
  }

  @Test
  void transactionPaidFixtureIsAPaymentOfTheGrandTotal() {
    PaymentEvent p = payment(Fixtures.read("paddle/transaction.paid.envelope.json"));

    assertThat(parser.provider()).isEqualTo("paddle");
    assertThat(p.siteId()).isEqualTo("acme");
    assertThat(p.provider()).isEqualTo("paddle");
    assertThat(p.paymentKey()).isEqualTo("txn_01gxwxqj0rd5m8j1zdhvk05twz");
    assertThat(p.eventId()).isEqualTo("evt_01gxwxwnba186hj04xy8hf6wkd");
    assertThat(p.eventType()).isEqualTo("transaction.paid");
    assertThat(p.amountMinor()).isEqualTo(89880);
    assertThat(p.currency()).isEqualTo("GBP");
    assertThat(p.currencyExponent()).isEqualTo(2);
    assertThat(p.occurredAtMillis()).isEqualTo(millis("2023-04-13T09:07:06.401607Z"));
    assertThat(p.customerId()).isEqualTo("ctm_01gxwxe6vzgz6hcsbwjs6zrszr");
    // custom_data is null in the fixture; Paddle transactions carry no email.
    assertThat(p.visitorId()).isNull();
    assertThat(p.sessionId()).isNull();
    assertThat(p.emailHash()).isNull();
    assertThat(p.subscriptionId()).isNull();
    assertThat(p.renewal()).isFalse();
    assertThat(p.livemode()).isTrue();
  }

  @Test
  void transactionCompletedFixtureIsAPaymentOfTheSameTransactionKey() {
    PaymentEvent p = payment(Fixtures.read("paddle/transaction.completed.envelope.json"));

    assertThat(p.paymentKey()).isEqualTo("txn_01h8dzxgkvdwemdhbpcapj2tbj");
    assertThat(p.eventId()).isEqualTo("evt_01h8e1jxjnw9ra6zarhnz1a7y1");
    assertThat(p.eventType()).isEqualTo("transaction.completed");
    assertThat(p.amountMinor()).isEqualTo(65215);
    assertThat(p.currency()).isEqualTo("USD");
    assertThat(p.currencyExponent()).isEqualTo(2);
    assertThat(p.occurredAtMillis()).isEqualTo(millis("2023-08-22T07:15:45.366122Z"));
    assertThat(p.customerId()).isEqualTo("ctm_01h8e18bxp9hby49dnm8ewf0m0");
    assertThat(p.visitorId()).isNull();
    assertThat(p.emailHash()).isNull();
    assertThat(p.subscriptionId()).isNull();
    assertThat(p.renewal()).isFalse();
    assertThat(p.livemode()).isTrue();
  }

  @Test
  void paidAndCompletedOfOneTransactionShareTheConsolidationKey() throws Exception {
    ObjectNode completed = fixture("transaction.completed.envelope.json");
    ObjectNode paid = completed.deepCopy();
    paid.put("event_type", "transaction.paid").put("event_id", "evt_paid");
    ((ObjectNode) paid.get("data")).put("status", "paid");

    PaymentEvent a = payment(paid.toString());
    PaymentEvent b = payment(completed.toString());

    assertThat(a.consolidationKey()).isEqualTo(b.consolidationKey());
    assertThat(a.amountMinor()).isEqualTo(b.amountMinor());
  }

  @Test
  void customDataOriginAndZeroDecimalCurrencyOfARenewal() throws Exception {
    ObjectNode body = fixture("transaction.completed.envelope.json");
    ObjectNode data = (ObjectNode) body.get("data");
    data.putObject("custom_data")
        .put("tributary_visitor_id", "v_1")
        .put("tributary_session_id", "s_1");
    data.put("origin", "subscription_recurring");
    data.put("subscription_id", "sub_01h8bxswamxysj44zt5n48njwh");
    data.put("currency_code", "JPY");
    ((ObjectNode) data.get("details").get("totals")).put("grand_total", "4800");

    PaymentEvent p = payment(body.toString());

    assertThat(p.visitorId()).isEqualTo("v_1");
    assertThat(p.sessionId()).isEqualTo("s_1");
    assertThat(p.renewal()).isTrue();
    assertThat(p.subscriptionId()).isEqualTo("sub_01h8bxswamxysj44zt5n48njwh");
    assertThat(p.amountMinor()).isEqualTo(4800);
    assertThat(p.currency()).isEqualTo("JPY");
    assertThat(p.currencyExponent()).isZero();
  }

  @Test
  void methodChangesAreIgnoredAndZeroTotalsGoOnForTheirIdentity() throws Exception {
    ObjectNode methodChange = fixture("transaction.completed.envelope.json");
    ((ObjectNode) methodChange.get("data")).put("origin", "subscription_payment_method_change");
    assertThat(parse(methodChange.toString()))
        .isEqualTo(new ParseOutcome.Ignored("transaction.completed:payment_method_change"));

    ObjectNode trial = fixture("transaction.paid.envelope.json");
    ((ObjectNode) trial.get("data").get("details").get("totals")).put("grand_total", "0");
    ParseOutcome outcome = parse(trial.toString());
    assertThat(outcome).isInstanceOf(ParseOutcome.Payment.class);
    PaymentEvent zero = ((ParseOutcome.Payment) outcome).event();
    assertThat(zero.amountMinor()).isZero();
    assertThat(zero.customerId()).isNotNull();
  }

  @Test
  void pendingAdjustmentFixtureIsIgnoredUntilApproved() {
    assertThat(parse(Fixtures.read("paddle/adjustment.created.envelope.json")))
        .isEqualTo(new ParseOutcome.Ignored("adjustment.created:pending_approval"));
  }

  @Test
  void approvedAdjustmentFixtureIsARefundKeyedByTheAdjustment() {
    RefundEvent r = refund(Fixtures.read("paddle/adjustment.updated.envelope.json"));

    assertThat(r.siteId()).isEqualTo("acme");
    assertThat(r.provider()).isEqualTo("paddle");
    assertThat(r.refundKey()).isEqualTo("adj_01h8c6tbrkpdd7vx61w7b1r0ap");
    assertThat(r.paymentKey()).isEqualTo("txn_01h8bxpvx398a7zbawb77y0kp5");
    assertThat(r.eventId()).isEqualTo("evt_01h8c6wz4ac017hxdehrgdvpz4");
    assertThat(r.eventType()).isEqualTo("adjustment.updated");
    assertThat(r.kind()).isEqualTo(RefundEvent.REFUND);
    assertThat(r.amountMinor()).isEqualTo(100);
    assertThat(r.currency()).isEqualTo("USD");
    assertThat(r.currencyExponent()).isEqualTo(2);
    assertThat(r.cumulative()).isFalse();
    assertThat(r.full()).isFalse();
    assertThat(r.occurredAtMillis()).isEqualTo(millis("2023-08-21T14:10:08.650443Z"));
    assertThat(r.livemode()).isTrue();
  }

  @Test
  void approvedChargebackIsAChargebackAndOtherActionsAreIgnored() throws Exception {
    ObjectNode body = fixture("adjustment.updated.envelope.json");
    body.put("event_type", "adjustment.created");
    ((ObjectNode) body.get("data")).put("action", "chargeback");

    RefundEvent r = refund(body.toString());
    assertThat(r.kind()).isEqualTo(RefundEvent.CHARGEBACK);
    assertThat(r.refundKey()).isEqualTo("adj_01h8c6tbrkpdd7vx61w7b1r0ap");
    assertThat(r.amountMinor()).isEqualTo(100);

    for (String action : new String[] {"chargeback_warning", "chargeback_reverse", "credit"}) {
      ((ObjectNode) body.get("data")).put("action", action);
      assertThat(parse(body.toString()))
          .isEqualTo(new ParseOutcome.Ignored("adjustment.created:" + action));
    }

    ObjectNode rejected = fixture("adjustment.updated.envelope.json");
    ((ObjectNode) rejected.get("data")).put("status", "rejected");
    assertThat(parse(rejected.toString()))
        .isEqualTo(new ParseOutcome.Ignored("adjustment.updated:rejected"));
  }

  @Test
  void otherEventsInTheFixturesAreIgnored() throws Exception {
    assertThat(parse(Fixtures.read("paddle/customer.created.signed_body.json").strip()))
        .isEqualTo(new ParseOutcome.Ignored("customer.created"));
    assertThat(
            parse("{\"event_id\":\"evt_1\",\"event_type\":\"subscription.created\",\"data\":{}}"))
        .isEqualTo(new ParseOutcome.Ignored("subscription.created"));

    // The signature vectors' bodies: two real customer.created notifications and SDK test strings.
    JsonNode vectors = JSON.readTree(Fixtures.read("paddle/signature_vectors.json")).get("vectors");
    int ignored = 0;
    int malformed = 0;
    for (JsonNode v : vectors) {
      try {
        assertThat(parse(v.get("body").asText()))
            .isEqualTo(new ParseOutcome.Ignored("customer.created"));
        ignored++;
      } catch (MalformedPayloadException e) {
        assertThat(e.getMessage())
            .isIn("paddle body is not JSON", "paddle event has no event_type");
        malformed++;
      }
    }
    assertThat(ignored).isEqualTo(2);
    assertThat(malformed).isEqualTo(vectors.size() - 2);
  }

  @Test
  void malformedBodiesAreRejectedWithAReasonNamingTheField() throws Exception {
    assertMalformed(() -> parse("not json"), "paddle body is not JSON");
    assertMalformed(() -> parse("{\"data\":{}}"), "paddle event has no event_type");
    assertMalformed(
        () -> parse("{\"event_type\":\"transaction.paid\",\"event_id\":\"evt_1\"}"),
        "paddle event has no data");

    ObjectNode noTotal = fixture("transaction.paid.envelope.json");
    ((ObjectNode) noTotal.get("data").get("details").get("totals")).remove("grand_total");
    assertMalformed(
        () -> parse(noTotal.toString()), "paddle transaction has no details.totals.grand_total");

    ObjectNode decimal = fixture("transaction.paid.envelope.json");
    ((ObjectNode) decimal.get("data").get("details").get("totals")).put("grand_total", "898.80");
    assertMalformed(
        () -> parse(decimal.toString()),
        "paddle transaction details.totals.grand_total is not a string of digits");

    ObjectNode number = fixture("transaction.paid.envelope.json");
    ((ObjectNode) number.get("data").get("details").get("totals")).put("grand_total", 89880);
    assertMalformed(
        () -> parse(number.toString()),
        "paddle transaction details.totals.grand_total is not a string of digits");

    ObjectNode noEventId = fixture("transaction.paid.envelope.json");
    noEventId.remove("event_id");
    assertMalformed(() -> parse(noEventId.toString()), "paddle event has no event_id");

    ObjectNode badRefund = fixture("adjustment.updated.envelope.json");
    ((ObjectNode) badRefund.get("data").get("totals")).put("total", "-100");
    assertMalformed(
        () -> parse(badRefund.toString()),
        "paddle adjustment totals.total is not a string of digits");

    ObjectNode noTransaction = fixture("adjustment.updated.envelope.json");
    ((ObjectNode) noTransaction.get("data")).remove("transaction_id");
    assertMalformed(
        () -> parse(noTransaction.toString()), "paddle adjustment has no transaction_id");
  }

  @Test
  void parserIsSerializable() throws Exception {
    try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
      out.writeObject(parser);
    }
  }

  @Test
  void theTransactionsDiscountIdIsItsCode() throws Exception {
    // the SDK's transaction.paid applies none: "discount_id": null
    assertThat(payment(Fixtures.read("paddle/transaction.paid.envelope.json")).promoCode())
        .isNull();

    ObjectNode event = fixture("transaction.paid.envelope.json");
    ObjectNode txn = (ObjectNode) event.get("data");
    txn.put("discount_id", "dsc_01gtgztp8fpchantd5g1wrksa3");
    assertThat(payment(event.toString()).promoCode()).isEqualTo("dsc_01gtgztp8fpchantd5g1wrksa3");

    // a non-catalog discount has no id: the code of the discount object, when there is one
    txn.putNull("discount_id");
    txn.putObject("discount").put("type", "percentage").put("code", "SPRING");
    assertThat(payment(event.toString()).promoCode()).isEqualTo("SPRING");
  }

  @Test
  void oddCodesNeverBreakAPayment() throws Exception {
    ObjectNode event = fixture("transaction.paid.envelope.json");
    PromoCodeCases.areHarmless(
        new ParserProbe(parser),
        event,
        (body, code) -> ((ObjectNode) body.get("data")).set("discount_id", code));
  }
}
