package dev.tributary.job.warehouse;

import static dev.tributary.job.warehouse.WarehouseRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.job.attribution.AttributedPayment;
import dev.tributary.job.attribution.Credits;
import dev.tributary.job.attribution.Resolution;
import dev.tributary.job.attribution.Touch;
import dev.tributary.job.ledger.book.PaymentRow;
import dev.tributary.job.ops.ReferenceData;
import dev.tributary.job.payments.LinkMethod;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.testing.EmbeddedWarehouse;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Promotion codes as evidence (V11, issue #17): positions written exactly as the job's payments
 * sink writes them, codes loaded exactly as {@code ReferenceData promo} loads them, and the journal
 * the warehouse books from both. Site 'shop' counts days in Europe/Berlin.
 */
class PromoCodesIT {
  private static final Duration HALF_LIFE = Duration.ofDays(7);
  private static final Touch ADS = new Touch("s_2", 800, "Paid Search", "google", "cpc", "brand");
  private static final long MARCH_10 = Instant.parse("2025-03-10T12:00:00Z").toEpochMilli();
  private static final String CODES =
      """
      site_id,code,campaign,source,medium,channel,valid_from,valid_to
      shop,SPRING20,spring_sale,newsletter,email,Email,2025-03-01,2025-03-31
      shop,ALICE,alice_podcast,alice,podcast,Affiliates,,
      other,SPRING20,other_spring,,,Paid Social,,
      """;

  private static EmbeddedWarehouse w;

  @BeforeAll
  static void start() throws Exception {
    w = EmbeddedWarehouse.start();
    w.execute(
        "INSERT INTO site_settings (site_id, reporting_currency, time_zone)"
            + " VALUES ('shop', 'EUR', 'Europe/Berlin')");
  }

  @AfterAll
  static void stop() throws Exception {
    w.close();
  }

  private static PaymentEvent payment(String key, String code, long at) {
    return new PaymentEvent(
        "shop",
        "stripe",
        key,
        "evt_" + key,
        "checkout.session.completed",
        10_000,
        "EUR",
        2,
        at,
        at + 500,
        null,
        null,
        null,
        null,
        null,
        false,
        true,
        null,
        null,
        null,
        code,
        null,
        null);
  }

  /** The job's position of a payment it found no visitor for. */
  private static PaymentRow unattributed(PaymentEvent p, long refunded) {
    return new PaymentRow(
        new AttributedPayment(
            p, Resolution.unattributed("nothing links it"), Credits.of(p, List.of(), HALF_LIFE), 0),
        refunded,
        false,
        refunded == 0 ? 0 : p.occurredAtMillis() + 86_400_000L);
  }

  /** The job's position once an identify call linked the payer to a visitor who came by ads. */
  private static PaymentRow linkedByEmail(PaymentEvent p, long refunded) {
    PaymentEvent linked = p.withVisitor("v_1", LinkMethod.EMAIL);
    return new PaymentRow(
        new AttributedPayment(
            linked,
            Resolution.linked(LinkMethod.EMAIL.code(), "identify"),
            Credits.of(linked, List.of(ADS), HALF_LIFE).stream()
                .map(e -> e.bookedAt(p.occurredAtMillis() + 3_600_000L))
                .toList(),
            1),
        refunded,
        false,
        refunded == 0 ? 0 : p.occurredAtMillis() + 86_400_000L);
  }

  private static void write(PaymentRow row) throws Exception {
    try (Connection c = DriverManager.getConnection(w.jdbcUrl());
        PreparedStatement st = c.prepareStatement(WarehouseSinks.UPSERT_PAYMENT)) {
      WarehouseSinks.bindPayment(st, row);
      st.executeUpdate();
    }
  }

  private static void loadCodes(String csv) throws Exception {
    try (Connection c = DriverManager.getConnection(w.jdbcUrl())) {
      ReferenceData.load(ReferenceData.Kind.PROMO, c, new StringReader(csv));
    }
  }

  /** The last-touch journal of a payment, netted per channel and campaign (zeros left out). */
  private static List<String> lastTouch(String key) throws Exception {
    return rows(
        w,
        "SELECT channel, campaign, sum(amount_minor) FROM revenue_ledger"
            + " WHERE payment_key = '"
            + key
            + "' AND model = 'last_touch' GROUP BY 1, 2 HAVING sum(amount_minor) <> 0"
            + " ORDER BY 1, 2");
  }

  private static List<String> link(String key) throws Exception {
    return rows(
        w,
        "SELECT method, confidence, visitor_id, reason FROM payments WHERE payment_key = '"
            + key
            + "'");
  }

  /** Every model of every payment sums to its net amount: nothing double-counted or lost. */
  private static void assertJournalSumsToNet() throws Exception {
    assertThat(
            rows(
                w,
                "SELECT p.payment_key, l.model FROM payments p JOIN revenue_ledger l"
                    + " USING (site_id, provider, payment_key)"
                    + " GROUP BY p.payment_key, l.model, p.net_minor"
                    + " HAVING sum(l.amount_minor) <> p.net_minor"))
        .isEmpty();
  }

  @Test
  void codesLoadedLaterCreditTheirCampaignAndStrongerEvidenceTakesItBack() throws Exception {
    // 1. The payment arrives before anyone listed its code: unattributed.
    PaymentEvent p = payment("pi_late", "late10", MARCH_10);
    write(unattributed(p, 0));
    assertThat(lastTouch("pi_late")).containsExactly("(unattributed) | null | 10000");

    // 2. The code is loaded: typed in lower case, it is LATE10 of the spring sale.
    String late =
        "site_id,code,campaign,source,medium,channel,valid_from,valid_to\n"
            + "shop,LATE10,spring_sale,newsletter,email,Email,2025-03-01,2025-03-31\n";
    loadCodes(late);
    assertThat(lastTouch("pi_late")).containsExactly("Email | spring_sale | 10000");
    assertThat(link("pi_late"))
        .containsExactly(
            "promo_code | campaign | null | promotion code LATE10 of campaign spring_sale (Email)");
    assertJournalSumsToNet();

    // 3. A refund of 25.00: the job writes its unattributed position again, with the refund; the
    // campaign that got the credit gives it back.
    write(unattributed(p, 2_500));
    assertThat(lastTouch("pi_late")).containsExactly("Email | spring_sale | 7500");
    assertThat(
            rows(
                w,
                "SELECT channel, sum(amount_minor) FROM revenue_ledger WHERE payment_key ="
                    + " 'pi_late' AND model = 'linear' AND entry_type = 'refund' GROUP BY 1"))
        .containsExactly("Email | -2500");

    // 4. An identify call names the payer: the visitor's own journey outranks the code.
    write(linkedByEmail(p, 2_500));
    assertThat(lastTouch("pi_late")).containsExactly("Paid Search | brand | 7500");
    assertThat(link("pi_late")).first().asString().startsWith("email | medium | v_1");
    assertJournalSumsToNet();

    // 5. Loading the code again changes nothing for a payment linked to its visitor.
    loadCodes(late);
    assertThat(lastTouch("pi_late")).containsExactly("Paid Search | brand | 7500");
  }

  @Test
  void aPaymentAfterItsCodeIsCreditedAtOnceInsideTheCodesDatesOnly() throws Exception {
    loadCodes(CODES);
    // 2025-03-31T22:30Z is April 1st in Berlin: past SPRING20's last day
    PaymentEvent april =
        payment("pi_april", "SPRING20", Instant.parse("2025-03-31T22:30:00Z").toEpochMilli());
    PaymentEvent march =
        payment("pi_march", "Spring20", Instant.parse("2025-03-31T21:30:00Z").toEpochMilli());
    PaymentEvent open = payment("pi_open", "alice", MARCH_10);
    PaymentEvent unknown = payment("pi_unknown", "NOPE", MARCH_10);
    for (PaymentEvent p : List.of(april, march, open, unknown)) {
      write(unattributed(p, 0));
    }
    assertThat(lastTouch("pi_april")).containsExactly("(unattributed) | null | 10000");
    assertThat(lastTouch("pi_march")).containsExactly("Email | spring_sale | 10000");
    assertThat(lastTouch("pi_open")).containsExactly("Affiliates | alice_podcast | 10000");
    assertThat(lastTouch("pi_unknown")).containsExactly("(unattributed) | null | 10000");
    // the first booking is the campaign's: no unattributed entry and no correction on the way
    assertThat(
            rows(
                w,
                "SELECT DISTINCT entry_type, channel FROM revenue_ledger"
                    + " WHERE payment_key = 'pi_march'"))
        .containsExactly("payment | Email");
    assertJournalSumsToNet();
  }

  @Test
  void aLinkThatNamesTheVisitorIsNeverReplacedByACode() throws Exception {
    loadCodes(CODES);
    PaymentEvent p = payment("pi_linked", "SPRING20", MARCH_10);
    write(linkedByEmail(p, 0));
    assertThat(lastTouch("pi_linked")).containsExactly("Paid Search | brand | 10000");
    assertThat(link("pi_linked")).first().asString().startsWith("email | medium | v_1");
  }

  @Test
  void aBadCodesFileLoadsNothingAndSaysWhy() throws Exception {
    assertThatThrownBy(
            () ->
                loadCodes(
                    """
                    site_id,code,campaign,source,medium,channel,valid_from,valid_to
                    shop,WINTER,winter,,,Newsletter,,
                    shop,SUMMER,summer,,,Email,2025-09-01,2025-06-01
                    shop,AUTUMN,autumn,,,Email,,
                    shop,autumn,autumn2,,,Email,,
                    shop,,nameless,,,Email,,
                    """))
        .isInstanceOf(ReferenceData.BadFileException.class)
        .satisfies(
            e ->
                assertThat(((ReferenceData.BadFileException) e).problems())
                    .containsExactly(
                        "line 2: channel 'Newsletter' is not a channel group; one of [AI"
                            + " Assistants, Affiliates, Direct, Display, Email, Organic Search,"
                            + " Organic Social, Organic Video, Other, Paid Other, Paid Search,"
                            + " Paid Social, Paid Video, Referral]",
                        "line 3: valid_from 2025-09-01 is after valid_to 2025-06-01",
                        "line 5: same key as line 4",
                        "line 6: code is empty"));
    assertThat(rows(w, "SELECT count(*) FROM promo_codes WHERE lower(code) = 'autumn'"))
        .containsExactly("0");
  }
}
