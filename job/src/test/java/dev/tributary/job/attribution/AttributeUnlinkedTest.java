package dev.tributary.job.attribution;

import static dev.tributary.job.testing.Payments.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.deadletter.DeadLetters;
import dev.tributary.job.ledger.LedgerEntry;
import dev.tributary.job.payments.LinkMethod;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.testing.Payments;
import java.util.List;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Payments that name no visitor: booked to the touch their order's landing page and referrer make
 * (Shopify's {@code landing_site} and {@code referring_site}), classified as a session's first
 * pageview is, or unattributed when that evidence says nothing.
 */
class AttributeUnlinkedTest {
  private static final long AT = 1_700_000_000_000L;

  /** The one payment {@link AttributeUnlinked} books for {@code p}; no dead letter. */
  private static AttributedPayment booked(PaymentEvent p) throws Exception {
    try (OneInputStreamOperatorTestHarness<PaymentEvent, AttributedPayment> harness =
        ProcessFunctionTestHarnesses.forProcessFunction(new AttributeUnlinked())) {
      harness.processElement(p, p.occurredAtMillis());
      assertThat(harness.getSideOutput(DeadLetters.TAG)).as("dead letters").isNullOrEmpty();
      List<AttributedPayment> out = harness.extractOutputValues();
      assertThat(out).hasSize(1);
      return out.get(0);
    }
  }

  private static void assertUnattributed(AttributedPayment a) {
    assertThat(a.resolution().method()).isEqualTo(LinkMethod.UNATTRIBUTED.method());
    assertThat(a.resolution().confidence()).isEqualTo("none");
    assertThat(a.touches()).isZero();
    assertThat(a.credits())
        .hasSize(Model.values().length)
        .allSatisfy(
            e -> {
              assertThat(e.channel()).isEqualTo(Credits.UNATTRIBUTED);
              assertThat(e.amountMinor()).isEqualTo(4_990);
            });
  }

  @Test
  void aUtmLandingPageIsOneTouchOfItsCampaignWithoutVisitorOrSession() throws Exception {
    AttributedPayment a =
        booked(
            order(
                "1001",
                AT,
                "/products/x?utm_source=newsletter&utm_medium=email&utm_campaign=spring",
                null));

    assertThat(a.resolution().method()).isEqualTo("landing_page");
    assertThat(a.resolution().confidence()).isEqualTo("low");
    assertThat(a.resolution().candidates()).isZero();
    assertThat(a.resolution().rank()).isEqualTo(LinkMethod.LANDING_PAGE.rank());
    assertThat(a.resolution().reason()).contains("landing page").contains("Email");
    assertThat(a.touches()).isEqualTo(1);
    assertThat(a.credits())
        .extracting(LedgerEntry::model)
        .containsExactlyInAnyOrder(
            java.util.Arrays.stream(Model.values()).map(Model::id).toArray(String[]::new));
    assertThat(a.credits())
        .allSatisfy(
            e -> {
              assertThat(e.channel()).isEqualTo("Email");
              assertThat(e.source()).isEqualTo("newsletter");
              assertThat(e.medium()).isEqualTo("email");
              assertThat(e.campaign()).isEqualTo("spring");
              assertThat(e.visitorId()).isNull();
              assertThat(e.sessionId()).isNull();
              assertThat(e.amountMinor()).isEqualTo(4_990);
              assertThat(e.paymentAtMillis()).isEqualTo(AT);
            });
  }

  @ParameterizedTest(name = "{0} + {1} → {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // a referrer alone, as a session's referrer is read
        "/                         | https://www.google.com/            | Organic Search | google.com",
        "-                         | https://blog.example.org/post      | Referral       | blog.example.org",
        "/pricing                  | https://chatgpt.com/               | AI Assistants  | chatgpt.com",
        // a click id on the landing page: paid search, whoever referred
        "/?gclid=EAIaIQobChMI      | https://www.google.com/            | Paid Search    | google",
        // a whole address, as the SDK's order has it, and another site's referrer
        "http://www.example.com?source=abc | http://www.otherexample.com | Referral    | otherexample.com",
        "https://shop.example.com/?utm_source=ig&utm_medium=paid_social | - | Paid Social | ig",
      })
  void whatTheEvidenceSaysIsClassifiedAsASessionIs(
      String landing, String referrer, String channel, String source) throws Exception {
    AttributedPayment a = booked(order("1002", AT, landing, referrer));

    assertThat(a.resolution().method()).isEqualTo("landing_page");
    assertThat(a.credits())
        .allSatisfy(
            e -> {
              assertThat(e.channel()).isEqualTo(channel);
              assertThat(e.source()).isEqualTo(source);
            });
  }

  @ParameterizedTest(name = "{0} + {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // no utm tags, no click id, no referrer: Direct, which says nothing
        "/                               | -",
        "/products/x?ref=&variant=2      | -",
        // only the shop's own host (the landing page names it), or its myshopify.com address
        "https://shop.example.com/x      | https://www.shop.example.com/collections",
        "/cart                           | https://acme-store.myshopify.com/products/x",
        // a checkout page coming back
        "/thank-you                      | https://checkout.stripe.com/c/pay",
      })
  void evidenceThatSaysNothingLeavesThePaymentUnattributed(String landing, String referrer)
      throws Exception {
    assertUnattributed(booked(order("1003", AT, landing, referrer)));
  }

  @Test
  void aPaymentWithoutEvidenceIsUnattributedAsBefore() throws Exception {
    AttributedPayment a = booked(Payments.payment("pi_1", "evt_1", 4_990, AT, null, null));

    assertUnattributed(a);
    assertThat(a.resolution().reason())
        .isEqualTo(
            "no visitor in the metadata, no earlier payment of the customer, no identify call"
                + " with the payer's email, no visitor active just before");
  }

  @Test
  void hostileAddressesNeverFailAPayment() throws Exception {
    String[] addresses = {
      "http://[::1/?utm_source=broken",
      "%zz?utm_source=%zz&utm_medium=%",
      "/?utm_source=a\u0000b&utm_medium=\u202eemail",
      "/" + "x".repeat(100_000) + "?utm_source=long",
      "/?" + "utm_campaign=c&".repeat(10_000),
      "javascript:alert(document.cookie)",
      "\ud800\udc00://?utm_source=\udbff",
      "?",
      "#utm_source=fragment",
      "//",
      ":::",
    };
    for (String landing : addresses) {
      for (String referrer : new String[] {null, landing}) {
        AttributedPayment a = booked(order("1004", AT, landing, referrer));
        assertThat(a.credits())
            .as(landing.length() > 60 ? landing.substring(0, 60) : landing)
            .hasSize(Model.values().length)
            .allSatisfy(e -> assertThat(e.amountMinor()).isEqualTo(4_990));
      }
    }
  }

  @Test
  void theFallbacksFilterAndTheBookingAgree() {
    LandingEvidence evidence = LandingEvidence.defaults();

    assertThat(evidence.applies(order("1", AT, "/?utm_source=newsletter", null))).isTrue();
    assertThat(evidence.applies(order("2", AT, null, "https://news.ycombinator.com/"))).isTrue();
    // no touch: the payment goes on to the timestamp fallback, as it did before
    assertThat(evidence.applies(order("3", AT, "/", null))).isFalse();
    assertThat(evidence.applies(order("4", AT, null, null))).isFalse();
    assertThat(evidence.touchOf(order("5", AT, "http://[::1", "http://[::1"))).isNull();
  }
}
