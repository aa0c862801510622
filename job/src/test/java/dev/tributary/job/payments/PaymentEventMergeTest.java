package dev.tributary.job.payments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.testing.Envelopes;
import dev.tributary.job.testing.Payments;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The merge rule of one payment reported by several events, through one door or two. */
class PaymentEventMergeTest {

  private static PaymentEvent webhook(long amount, long at, boolean livemode) {
    PaymentEvent p = Payments.payment("pi_dbl", "evt_pi", amount, at, null, null);
    return new PaymentEvent(
        p.siteId(),
        p.provider(),
        p.paymentKey(),
        p.eventId(),
        p.eventType(),
        amount,
        "USD",
        2,
        at,
        at,
        null,
        null,
        "cus_1",
        null,
        null,
        false,
        livemode,
        null,
        null,
        null);
  }

  private static PaymentEvent api(String eventId, long amount, long at, boolean livemode) {
    return new PaymentEvent(
        "acme",
        "stripe",
        "pi_dbl",
        eventId,
        "api.payment",
        amount,
        "USD",
        2,
        at,
        at,
        "v_api",
        "s_api",
        null,
        "hash",
        null,
        false,
        livemode,
        null,
        LinkMethod.METADATA.code(),
        null);
  }

  @Test
  void theSignedWebhookStandsForTheMoneyAndTheApiAddsItsEvidence() {
    PaymentEvent merged =
        api("dlv_1", 10_000, 1_000, false).mergedWith(webhook(9_999, 2_000, true));

    assertThat(merged.amountMinor()).isEqualTo(9_999);
    assertThat(merged.livemode()).isTrue();
    assertThat(merged.eventId()).isEqualTo("evt_pi");
    assertThat(merged.occurredAtMillis()).isEqualTo(2_000);
    assertThat(merged.visitorId()).isEqualTo("v_api");
    assertThat(merged.linkMethod()).isEqualTo(LinkMethod.METADATA.code());
    assertThat(merged.emailHash()).isEqualTo("hash");
    assertThat(merged.customerId()).isEqualTo("cus_1");
    assertThat(merged.conflicts()).isEqualTo("amount,livemode");
  }

  @Test
  void agreeingReportsRecordNoConflict() {
    assertThat(api("dlv_1", 9_999, 1_000, true).mergedWith(webhook(9_999, 2_000, true)).conflicts())
        .isNull();
  }

  @Test
  void twoApiCallsDisagreeingKeepTheEarliestAndSaySo() {
    PaymentEvent merged =
        api("dlv_2", 5_000, 500, true).mergedWith(api("dlv_1", 10_000, 1_000, true));
    assertThat(merged.amountMinor()).isEqualTo(5_000);
    assertThat(merged.conflicts()).isEqualTo("amount");
  }

  @Test
  void anyArrivalOrderMergesToTheSamePayment() {
    List<PaymentEvent> events =
        List.of(
            api("dlv_1", 10_000, 1_000, false),
            webhook(9_999, 2_000, true),
            api("dlv_2", 9_999, 900, true),
            webhook(9_999, 2_500, true));
    PaymentEvent expected = fold(events);
    Random random = new Random(7);
    for (int i = 0; i < 50; i++) {
      List<PaymentEvent> shuffled = new ArrayList<>(events);
      Collections.shuffle(shuffled, random);
      assertThat(fold(shuffled)).isEqualTo(expected);
    }
    assertThat(expected.amountMinor()).isEqualTo(9_999);
    assertThat(expected.conflicts()).isEqualTo("amount,livemode");
  }

  private static PaymentEvent fold(List<PaymentEvent> events) {
    PaymentEvent merged = events.get(0);
    for (PaymentEvent e : events.subList(1, events.size())) {
      merged = merged.mergedWith(e);
    }
    return merged;
  }

  @Test
  void thePromoCodeAndTheLandingEvidenceComeFromWhicheverReportHasThem() {
    PaymentEvent hook =
        Payments.withEvidence(webhook(9_999, 2_000, true), null, "/x?utm_source=a", null);
    PaymentEvent call =
        Payments.withEvidence(
            api("dlv_1", 9_999, 1_000, true), "SPRING", null, "https://ref.example/");

    PaymentEvent merged = call.mergedWith(hook);

    assertThat(merged.promoCode()).isEqualTo("SPRING");
    assertThat(merged.landingUrl()).isEqualTo("/x?utm_source=a");
    assertThat(merged.referrerUrl()).isEqualTo("https://ref.example/");
    assertThat(hook.mergedWith(call)).isEqualTo(merged);
    // both name one: the standing event's (the signed webhook's), the first code of the money
    PaymentEvent hookWithCode = Payments.withEvidence(hook, "HOOK", "/y", null);
    assertThat(call.mergedWith(hookWithCode).promoCode()).isEqualTo("HOOK");
    assertThat(call.mergedWith(hookWithCode).landingUrl()).isEqualTo("/y");
  }

  @Test
  void restoredEventsWithoutTheNewFieldsMergeAsBefore() {
    PaymentEvent old = webhook(9_999, 2_000, true);

    assertThat(old.promoCode()).isNull();
    assertThat(old.landingUrl()).isNull();
    assertThat(old.referrerUrl()).isNull();
    assertThat(old.hasLandingEvidence()).isFalse();
    assertThat(old.mergedWith(api("dlv_1", 9_999, 1_000, true)).hasLandingEvidence()).isFalse();
  }

  @Test
  void theBuilderCleansCodesAndAddresses() {
    PaymentEvent p =
        PaymentEvent.builder()
            .envelope(Envelopes.parsed("acme", "shopify", "{}"))
            .eventType("order.paid")
            .paymentKey("1")
            .amount(100, "USD", 2)
            .promoCode(" SPR\u0000ING ")
            .landingUrl(" /p?utm_source=news\u200bletter&utm_medium=email&token=secret#frag\u0000 ")
            .referrerUrl("https://ref.example/a?q=private")
            .build();

    assertThat(p.promoCode()).isEqualTo("SPRING");
    assertThat(p.landingUrl()).isEqualTo("/p?utm_source=newsletter&utm_medium=email");
    assertThat(p.referrerUrl()).isEqualTo("https://ref.example/a");

    PaymentEvent.Builder b =
        PaymentEvent.builder()
            .envelope(Envelopes.parsed("acme", "shopify", "{}"))
            .eventType("order.paid")
            .paymentKey("1")
            .amount(100, "USD", 2);
    PaymentEvent cut =
        b.promoCode("C".repeat(500))
            .landingUrl("/" + "l".repeat(10_000))
            .referrerUrl("https://r.example/" + "r".repeat(10_000))
            .build();
    assertThat(cut.promoCode()).hasSize(PaymentEvent.MAX_PROMO_CODE_LENGTH);
    assertThat(cut.landingUrl()).hasSize(PaymentEvent.MAX_URL_LENGTH);
    assertThat(cut.referrerUrl()).hasSize(PaymentEvent.MAX_URL_LENGTH);

    PaymentEvent blank = b.promoCode(" \t ").landingUrl("").referrerUrl(null).build();
    assertThat(blank.promoCode()).isNull();
    assertThat(blank.landingUrl()).isNull();
    assertThat(blank.referrerUrl()).isNull();
  }
}
