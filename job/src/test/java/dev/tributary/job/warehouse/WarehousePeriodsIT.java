package dev.tributary.job.warehouse;

import static dev.tributary.job.warehouse.WarehouseRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.job.testing.EmbeddedWarehouse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The period functions of {@code sql/views/R__periods.sql} over the hand-written rows of {@code
 * warehouse/views-fixture.sql} (P1–P7, see its header), for ranges that cut through the data,
 * against numbers worked out by hand in the comments. Site 'shop' buckets days in Europe/Berlin, so
 * "February" is [2025-01-31T23:00Z, 2025-02-28T23:00Z): P2, paid 2025-01-31T23:30Z, is a February
 * payment there.
 */
class WarehousePeriodsIT {
  private static final String JANUARY = "'2025-01-01T00:00+01', '2025-02-01T00:00+01'";
  private static final String FEBRUARY = "'2025-02-01T00:00+01', '2025-03-01T00:00+01'";
  private static final String MARCH = "'2025-03-01T00:00+01', '2025-04-01T00:00+02'";

  private static EmbeddedWarehouse w;

  @BeforeAll
  static void populate() throws Exception {
    w = EmbeddedWarehouse.start();
    WarehouseRows.loadFixture(w);
    // The fixture books last_touch and linear only; lifetime value reads first_touch. P1's first
    // touch is s1 (Paid Search), P5's too (v1 came first through s1); P3 was first credited to
    // s5 (Organic Search) and corrected to s4 (Paid Search), as under the other models.
    w.execute(
        """
        INSERT INTO revenue_ledger (entry_id, site_id, provider, payment_key, model, entry_type,
            visitor_id, session_id, channel, source, medium, campaign, amount_minor, currency,
            currency_exponent, payment_at, booked_at, livemode)
        VALUES
         ('f1', 'shop', 'stripe', 'pi_1', 'first_touch', 'payment', 'v1', 's1', 'Paid Search',
          'google', 'cpc', 'spring', 10000, 'USD', 2, '2025-01-12T10:00Z', '2025-01-12T10:00Z', true),
         ('f2', 'shop', 'stripe', 'pi_1', 'first_touch', 'refund', 'v1', 's1', 'Paid Search',
          'google', 'cpc', 'spring', -3000, 'USD', 2, '2025-01-12T10:00Z', '2025-02-03T09:00Z', true),
         ('f3', 'shop', 'paddle', 'txn_2', 'first_touch', 'payment', 'v2', 's3', 'Paid Social',
          'Facebook', 'paid_social', 'Launch', 5000, 'EUR', 2, '2025-01-31T23:30Z',
          '2025-01-31T23:30Z', true),
         ('f4', 'shop', 'stripe', 'pi_3', 'first_touch', 'payment', 'v4', 's5', 'Organic Search',
          'google', 'organic', NULL, 20000, 'USD', 2, '2025-02-10T12:00Z', '2025-02-10T12:00Z', true),
         ('f5', 'shop', 'stripe', 'pi_3', 'first_touch', 'correction', 'v4', 's5', 'Organic Search',
          'google', 'organic', NULL, -20000, 'USD', 2, '2025-02-10T12:00Z', '2025-03-02T08:00Z', true),
         ('f6', 'shop', 'stripe', 'pi_3', 'first_touch', 'correction', 'v3', 's4', 'Paid Search',
          'google', 'cpc', 'spring', 20000, 'USD', 2, '2025-02-10T12:00Z', '2025-03-02T08:00Z', true),
         ('f7', 'shop', 'razorpay', 'pay_4', 'first_touch', 'payment', NULL, NULL, '(unattributed)',
          NULL, NULL, NULL, 1000, 'JPY', 0, '2025-02-15T05:00Z', '2025-02-15T05:00Z', true),
         ('f8', 'shop', 'razorpay', 'pay_4', 'first_touch', 'refund', NULL, NULL, '(unattributed)',
          NULL, NULL, NULL, -1000, 'JPY', 0, '2025-02-15T05:00Z', '2025-02-20T00:00Z', true),
         ('f9', 'shop', 'stripe', 'pi_5', 'first_touch', 'payment', 'v1', 's1', 'Paid Search',
          'google', 'cpc', 'spring', 4000, 'GBP', 2, '2025-03-05T12:00Z', '2025-03-05T12:00Z', true)
        """);
    WarehouseRows.positionsFromJournal(w);
  }

  @AfterAll
  static void stop() throws Exception {
    w.close();
  }

  private static List<String> q(String sql) throws Exception {
    return rows(w, sql);
  }

  @Test
  void revenueByChannelForAMonthByPaymentDate() throws Exception {
    // last_touch, payments made in February (Berlin): P2 (EUR), P3 (booked on Organic Search,
    // corrected to Paid Search in March: a payment-date period shows where its money stands now),
    // P4 (refunded in full). Not P1 (January), although its refund was made in February.
    assertThat(
            q(
                "SELECT channel, currency, payments, gross_minor, refunds_minor, net_minor,"
                    + " net_amount FROM revenue_by_channel_between('shop', 'last_touch', true, "
                    + FEBRUARY
                    + ") ORDER BY channel COLLATE \"C\", currency"))
        .containsExactly(
            "(unattributed) | JPY | 0 | 1000 | 1000 | 0 | 0",
            "Organic Search | USD | 0 | 0 | 0 | 0 | 0",
            "Paid Search | USD | 1 | 20000 | 0 | 20000 | 200",
            "Paid Social | EUR | 1 | 5000 | 0 | 5000 | 50");
  }

  @Test
  void aRangeThatSplitsAPaymentFromItsRefund() throws Exception {
    // P1: 100.00 on 2025-01-12, 30.00 refunded on 2025-02-03. By payment date, January holds the
    // payment net of its refund and February nothing of P1; by booking date, January holds the
    // payment and February the refund.
    String sql =
        "SELECT channel, payments, gross_minor, refunds_minor, net_minor"
            + " FROM revenue_by_channel_between('shop', 'last_touch', true, %s, '%s')"
            + " WHERE currency = 'USD' AND channel = 'Direct'";
    assertThat(q(sql.formatted(JANUARY, "payment")))
        .containsExactly("Direct | 1 | 10000 | 3000 | 7000");
    assertThat(q(sql.formatted(FEBRUARY, "payment"))).isEmpty();
    assertThat(q(sql.formatted(JANUARY, "booking")))
        .containsExactly("Direct | 1 | 10000 | 0 | 10000");
    assertThat(q(sql.formatted(FEBRUARY, "booking")))
        .containsExactly("Direct | 0 | 0 | 3000 | -3000");
    // The two bases agree over a range that holds both (January to March).
    String both = "'2025-01-01T00:00+01', '2025-04-01T00:00+02'";
    assertThat(q(sql.formatted(both, "booking"))).isEqualTo(q(sql.formatted(both, "payment")));
  }

  @Test
  void byBookingDateAMonthKeepsWhatWasBookedInIt() throws Exception {
    // Booked in February: P1's refund (Direct -3000), P2, P3 on Organic Search (its correction to
    // Paid Search is booked on 2025-03-02), P4 and its refund.
    assertThat(
            q(
                "SELECT channel, currency, payments, gross_minor, refunds_minor, net_minor"
                    + " FROM revenue_by_channel_between('shop', 'last_touch', true, "
                    + FEBRUARY
                    + ", 'booking') ORDER BY channel COLLATE \"C\", currency"))
        .containsExactly(
            "(unattributed) | JPY | 0 | 1000 | 1000 | 0",
            "Direct | USD | 0 | 0 | 3000 | -3000",
            "Organic Search | USD | 1 | 20000 | 0 | 20000",
            "Paid Social | EUR | 1 | 5000 | 0 | 5000");
    // ... and March the correction: 200.00 leaves Organic Search for Paid Search; and P5.
    assertThat(
            q(
                "SELECT channel, currency, payments, gross_minor, net_minor"
                    + " FROM revenue_by_channel_between('shop', 'last_touch', true, "
                    + MARCH
                    + ", 'booking') ORDER BY channel COLLATE \"C\", currency"))
        .containsExactly(
            "Direct | GBP | 1 | 4000 | 4000",
            "Organic Search | USD | 0 | -20000 | -20000",
            "Paid Search | USD | 1 | 20000 | 20000");
  }

  @Test
  void allHistoryByDefaultIsWhatTheViewsSay() throws Exception {
    for (String model : List.of("last_touch", "linear")) {
      assertThat(
              q(
                  "SELECT channel, currency, payments, gross_minor, refunds_minor, net_minor,"
                      + " net_amount FROM revenue_by_channel_between('shop', '%s', true)"
                          .formatted(model)
                      + " ORDER BY channel COLLATE \"C\", currency"))
          .isEqualTo(
              q(
                  "SELECT channel, currency, payments, gross_minor, refunds_minor, net_minor,"
                      + " net_amount FROM revenue_by_channel WHERE site_id = 'shop'"
                      + " AND model = '%s' AND livemode ORDER BY channel COLLATE \"C\", currency"
                          .formatted(model)));
      assertThat(
              q(
                  "SELECT source, medium, campaign, currency, payments, net_minor"
                      + " FROM revenue_by_campaign_between('shop', '%s', true)".formatted(model)
                      + " ORDER BY 1, 2, 3, 4"))
          .isEqualTo(
              q(
                  "SELECT source, medium, campaign, currency, payments, net_minor"
                      + " FROM revenue_by_campaign WHERE site_id = 'shop' AND model = '%s'"
                          .formatted(model)
                      + " AND livemode ORDER BY 1, 2, 3, 4"));
      assertThat(
              q(
                  "SELECT source, medium, currency, payments, net_minor"
                      + " FROM revenue_by_source_between('shop', '%s', true)".formatted(model)
                      + " ORDER BY 1, 2, 3"))
          .isEqualTo(
              q(
                  "SELECT source, medium, currency, payments, net_minor FROM revenue_by_source"
                      + " WHERE site_id = 'shop' AND model = '%s' AND livemode ORDER BY 1, 2, 3"
                          .formatted(model)));
      assertThat(
              q(
                  "SELECT channel, currency, payments, attributed_orders, net_minor, aov_amount"
                      + " FROM aov_by_channel_between('shop', '%s', true)".formatted(model)
                      + " ORDER BY 1, 2"))
          .isEqualTo(
              q(
                  "SELECT channel, currency, payments, attributed_orders, net_minor, aov_amount"
                      + " FROM aov_by_channel WHERE site_id = 'shop' AND model = '%s'"
                          .formatted(model)
                      + " AND livemode ORDER BY 1, 2"));
      assertThat(
              q(
                  "SELECT source, medium, campaign, payments, net_reporting, spend_reporting,"
                      + " roas, roi, fx_missing"
                      + " FROM campaign_roi_between('shop', '%s', true)".formatted(model)
                      + " ORDER BY 1, 2, 3"))
          .isEqualTo(
              q(
                  "SELECT source, medium, campaign, payments, net_reporting, spend_reporting,"
                      + " roas, roi, fx_missing FROM campaign_roi WHERE site_id = 'shop'"
                      + " AND model = '%s' AND livemode ORDER BY 1, 2, 3".formatted(model)));
      assertThat(
              q(
                  "SELECT source, medium, campaign, currency, payments, net_minor, spend_minor,"
                      + " roas, roi"
                      + " FROM campaign_roi_by_currency_between('shop', '%s', true)"
                          .formatted(model)
                      + " ORDER BY 1, 2, 3, 4"))
          .isEqualTo(
              q(
                  "SELECT source, medium, campaign, currency, payments, net_minor, spend_minor,"
                      + " roas, roi FROM campaign_roi_by_currency WHERE site_id = 'shop'"
                      + " AND model = '%s' AND livemode ORDER BY 1, 2, 3, 4".formatted(model)));
    }
    assertThat(
            q(
                "SELECT method, confidence, currency, payments, gross_minor, refunds_minor,"
                    + " net_minor, share_of_net, net_reporting, share_of_net_reporting, fx_missing"
                    + " FROM attribution_quality_between('shop', true) ORDER BY 1, 2, 3"))
        .isEqualTo(
            q(
                "SELECT method, confidence, currency, payments, gross_minor, refunds_minor,"
                    + " net_minor, share_of_net, net_reporting, share_of_net_reporting, fx_missing"
                    + " FROM attribution_quality WHERE site_id = 'shop' AND livemode"
                    + " ORDER BY 1, 2, 3"));
    assertThat(
            q(
                "SELECT bucket, kind, currency, payments, gross_minor, refunds_minor, net_minor,"
                    + " net_reporting FROM revenue_new_vs_renewal_between('shop', true,"
                    + " p_granularity => 'month') ORDER BY 1, 2, 3"))
        .isEqualTo(
            q(
                "SELECT bucket, kind, currency, payments, gross_minor, refunds_minor, net_minor,"
                    + " net_reporting FROM revenue_new_vs_renewal WHERE site_id = 'shop'"
                    + " AND livemode AND granularity = 'month' ORDER BY 1, 2, 3"));
    for (String basis : List.of("payment", "booking")) {
      assertThat(
              q(
                  "SELECT bucket, currency, payments, gross_minor, refunds_minor, net_minor,"
                      + " net_reporting, fx_missing FROM revenue_over_time_between('shop',"
                      + " 'linear', true, p_basis => '%s', p_granularity => 'week')"
                          .formatted(basis)
                      + " ORDER BY 1, 2"))
          .isEqualTo(
              q(
                  "SELECT bucket, currency, payments, gross_minor, refunds_minor, net_minor,"
                      + " net_reporting, fx_missing FROM revenue_over_time WHERE site_id = 'shop'"
                      + " AND model = 'linear' AND livemode AND basis = '%s'".formatted(basis)
                      + " AND granularity = 'week' ORDER BY 1, 2"));
    }
  }

  @Test
  void revenueOverTimeKeepsOnlyThePartOfABucketInsideTheRange() throws Exception {
    // [2025-01-12T00:00Z, 2025-02-05T00:00Z), months, by booking date: P1 (Jan 12), P2 (Feb 1 in
    // Berlin, 50.00 EUR at February's 1.20), P1's refund (Feb 3); by payment date P1 carries its
    // refund in January.
    String sql =
        "SELECT bucket, currency, payments, gross_minor, refunds_minor, net_minor, net_reporting"
            + " FROM revenue_over_time_between('shop', 'last_touch', true, '2025-01-12T00:00Z',"
            + " '2025-02-05T00:00Z', '%s', 'month') ORDER BY 1, 2";
    assertThat(q(sql.formatted("booking")))
        .containsExactly(
            "2025-01-01 | USD | 1 | 10000 | 0 | 10000 | 100",
            "2025-02-01 | EUR | 1 | 5000 | 0 | 5000 | 60",
            "2025-02-01 | USD | 0 | 0 | 3000 | -3000 | -30");
    assertThat(q(sql.formatted("payment")))
        .containsExactly(
            "2025-01-01 | USD | 1 | 10000 | 3000 | 7000 | 70",
            "2025-02-01 | EUR | 1 | 5000 | 0 | 5000 | 60");
  }

  @Test
  void conversionCountsVisitorsOfTheRangeAndTheirPaymentsInIt() throws Exception {
    // February: sessions s3 (v2, Paid Social; it starts exactly at the range's start), s4 (v3,
    // Paid Search), s5 (v4, Organic Search). Last touch, payments made in February: P2 credits v2
    // on Paid Social, P3 now credits v3 on Paid Search (v4's Organic Search credit was corrected
    // away); P4 has no visitor.
    assertThat(
            q(
                "SELECT channel, visitors, paying_visitors, conversion_rate"
                    + " FROM conversion_by_channel_between('shop', 'last_touch', true, "
                    + FEBRUARY
                    + ") ORDER BY 1"))
        .containsExactly(
            "Organic Search | 1 | 0 | 0", "Paid Search | 1 | 1 | 1", "Paid Social | 1 | 1 | 1");
    // January, linear: s1 (v1, Paid Search), s2 (v1, Direct), s6 (v5, Direct; test-mode payer).
    // P1 credits both of v1's touches: Direct 1 of 2 visitors, Paid Search 1 of 1.
    assertThat(
            q(
                "SELECT channel, visitors, paying_visitors, conversion_rate"
                    + " FROM conversion_by_channel_between('shop', 'linear', true, "
                    + JANUARY
                    + ") ORDER BY 1"))
        .containsExactly("Direct | 2 | 1 | 0.5", "Paid Search | 1 | 1 | 1");
    // A visit in January and a payment in March (v1: s2, then P5 on 2025-03-05): March has no
    // session, so nobody to convert (P5 still counts in March's revenue) ...
    assertThat(
            q(
                "SELECT * FROM conversion_by_channel_between('shop', 'last_touch', true, "
                    + MARCH
                    + ")"))
        .isEmpty();
    assertThat(
            q(
                "SELECT channel, payments FROM revenue_by_channel_between('shop', 'last_touch',"
                    + " true, "
                    + MARCH
                    + ")"))
        .containsExactly("Direct | 1");
    // ... and January to March counts v1 once, as a visitor of Direct who paid.
    assertThat(
            q(
                "SELECT channel, visitors, paying_visitors FROM conversion_by_channel_between("
                    + "'shop', 'last_touch', true, '2025-01-01T00:00+01', '2025-04-01T00:00+02')"
                    + " WHERE channel = 'Direct'"))
        .containsExactly("Direct | 2 | 1");
  }

  @Test
  void returnOnAdSpendComparesTheRangesRevenueWithTheRangesSpend() throws Exception {
    // February, linear: revenue google/cpc/spring = P3's 200.00 (P1's 35.00 net is January's),
    // against February's spend 20.00 (2025-02-10): ROAS 10, ROI 9. facebook/paid_social/launch:
    // P2's 50.00 EUR at 1.20 = 60.00 USD, no spend in February. bing's spend is January's.
    assertThat(
            q(
                "SELECT source, medium, campaign, payments, net_reporting, spend_reporting, roas,"
                    + " roi FROM campaign_roi_between('shop', 'linear', true, "
                    + FEBRUARY
                    + ") ORDER BY roas DESC NULLS LAST, source"))
        .containsExactly(
            "google | cpc | spring | 1 | 200 | 20 | 10 | 9",
            "facebook | paid_social | launch | 1 | 60 | null | null | null");
    // January: google 35.00 (P1's 50.00 less its 15.00 refund) on 80.00 of spend; facebook's
    // 25.00 EUR at 1.10 = 27.50 and bing's 30.00 brought nothing in January.
    assertThat(
            q(
                "SELECT source, payments, net_reporting, spend_reporting, roas, roi"
                    + " FROM campaign_roi_between('shop', 'linear', true, "
                    + JANUARY
                    + ") ORDER BY source"))
        .containsExactly(
            "bing | 0 | 0 | 30 | 0 | -1",
            "facebook | 0 | 0 | 27.5 | 0 | -1",
            "google | 1 | 35 | 80 | 0.4375 | -0.5625");
    // Without conversion, in minor units.
    assertThat(
            q(
                "SELECT source, currency, payments, net_minor, spend_minor, roas"
                    + " FROM campaign_roi_by_currency_between('shop', 'linear', true, "
                    + FEBRUARY
                    + ") ORDER BY source"))
        .containsExactly(
            "facebook | EUR | 1 | 5000 | null | null", "google | USD | 1 | 20000 | 2000 | 10");
  }

  @Test
  void attributionQualityOfTheRangesPayments() throws Exception {
    // February by payment date: P3 (customer, 200.00), P2 (email, 50.00 EUR = 60.00 USD), P4
    // (unattributed, refunded in full). Shares of 260.00 converted.
    assertThat(
            q(
                "SELECT method, confidence, currency, payments, gross_minor, refunds_minor,"
                    + " net_minor, net_reporting, share_of_net_reporting"
                    + " FROM attribution_quality_between('shop', true, "
                    + FEBRUARY
                    + ") ORDER BY 1"))
        .containsExactly(
            "customer | high | USD | 1 | 20000 | 0 | 20000 | 200 | 0.769231",
            "email | medium | EUR | 1 | 5000 | 0 | 5000 | 60 | 0.230769",
            "unattributed | none | JPY | 1 | 1000 | 1000 | 0 | 0 | 0");
    // By booking date, February also holds P1's refund: money of a metadata-linked payment that
    // is not a February payment.
    assertThat(
            q(
                "SELECT method, currency, payments, gross_minor, refunds_minor, net_minor"
                    + " FROM attribution_quality_between('shop', true, "
                    + FEBRUARY
                    + ", 'booking') ORDER BY 1"))
        .containsExactly(
            "customer | USD | 1 | 20000 | 0 | 20000",
            "email | EUR | 1 | 5000 | 0 | 5000",
            "metadata | USD | 0 | 0 | 3000 | -3000",
            "unattributed | JPY | 1 | 1000 | 1000 | 0");
  }

  @Test
  void newVersusRenewalForAPeriod() throws Exception {
    // February by payment date: P2 and P4 are new, P3 renews sub_1.
    assertThat(
            q(
                "SELECT bucket, kind, currency, payments, gross_minor, refunds_minor, net_minor"
                    + " FROM revenue_new_vs_renewal_between('shop', true, "
                    + FEBRUARY
                    + ", 'payment', 'month') ORDER BY 1, 2, 3"))
        .containsExactly(
            "2025-02-01 | new | EUR | 1 | 5000 | 0 | 5000",
            "2025-02-01 | new | JPY | 1 | 1000 | 1000 | 0",
            "2025-02-01 | renewal | USD | 1 | 20000 | 0 | 20000");
  }

  @Test
  void lifetimeValueByTheChannelThatBroughtEachCustomer() throws Exception {
    // Customers by their first payment: v1 (P1, January, first touch Paid Search; then P5 in
    // GBP, which has no rate), v2 (P2, February in Berlin, Paid Social, 60.00), v3 (P3, Paid
    // Search after the correction, 200.00), P4's payer (no visitor, no customer, no email:
    // unattributed, refunded in full).
    assertThat(
            q(
                "SELECT cohort_month, channel, customers, payments, net_reporting, ltv_reporting,"
                    + " fx_missing FROM ltv_by_acquisition_channel('shop', true)"
                    + " ORDER BY cohort_month, channel COLLATE \"C\""))
        .containsExactly(
            "2025-01-01 | Paid Search | 1 | 2 | null | null | true",
            "2025-02-01 | (unattributed) | 1 | 1 | 0 | 0 | false",
            "2025-02-01 | Paid Search | 1 | 1 | 200 | 200 | false",
            "2025-02-01 | Paid Social | 1 | 1 | 60 | 60 | false");
    // March: P5 is v1's second payment, so nobody was acquired in March.
    assertThat(q("SELECT * FROM ltv_by_acquisition_channel('shop', true, " + MARCH + ")"))
        .isEmpty();
    // Test mode: v5's P6 alone, in January (UTC day 2025-01-20), first touch not booked here.
    assertThat(
            q(
                "SELECT cohort_month, channel, customers, net_reporting"
                    + " FROM ltv_by_acquisition_channel('shop', false)"))
        .containsExactly("2025-01-01 | (unattributed) | 1 | 10");
  }

  @Test
  void aMisspeltBasisOrGranularityIsAnError() {
    assertThatThrownBy(
            () ->
                q(
                    "SELECT * FROM revenue_by_channel_between('shop', 'linear', true, p_basis => 'paid')"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("basis must be 'payment' or 'booking', not paid");
    assertThatThrownBy(
            () ->
                q(
                    "SELECT * FROM revenue_over_time_between('shop', 'linear', true,"
                        + " p_granularity => 'year')"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("granularity must be 'day', 'week' or 'month', not year");
  }

  @Test
  void aPeriodReadsOnlyItsRangeThroughTheIndexes() throws Exception {
    // Site 'bulk': two years of journal entries and sessions, one every 10 minutes, analysed.
    // The functions are inlined into the caller's query, so the range and the basis reach the
    // planner as constants: a month is read through the index of its basis, by site, model and
    // time, and the other basis's branch is planned away.
    w.execute(
        """
        INSERT INTO revenue_ledger (entry_id, site_id, provider, payment_key, model, entry_type,
            visitor_id, session_id, channel, amount_minor, currency, currency_exponent,
            payment_at, booked_at, livemode)
        SELECT 'bulk' || i || m, 'bulk', 'stripe', 'pi_' || i, m, 'payment', 'v' || i, 's' || i,
               'Direct', 100, 'USD', 2, t, t + interval '5 seconds', true
        FROM generate_series(1, 105120) i,
             LATERAL (SELECT timestamptz '2024-01-01T00:00Z' + i * interval '10 minutes' AS t) x,
             (VALUES ('linear'), ('last_touch')) AS models (m);
        INSERT INTO sessions (site_id, session_id, visitor_id, started_at, last_seen_at, pageviews,
                              channel)
        SELECT 'bulk', 's' || i, 'v' || i, t, t, 1, 'Direct'
        FROM generate_series(1, 105120) i,
             LATERAL (SELECT timestamptz '2024-01-01T00:00Z' + i * interval '10 minutes' AS t) x;
        ANALYZE revenue_ledger;
        ANALYZE sessions;
        """);
    String month = "'2025-02-01T00:00Z', '2025-03-01T00:00Z'";
    assertThat(
            plan("SELECT * FROM revenue_by_channel_between('bulk', 'linear', true, " + month + ")"))
        .containsPattern(
            "Index Scan (?:using|on) revenue_ledger_site_model_payment_at[^\\n]*\\n\\s+"
                + "Index Cond: \\(\\(site_id = 'bulk'::text\\) AND \\(model = 'linear'::text\\)"
                + " AND \\(payment_at >= ")
        .doesNotContain("booked_at");
    assertThat(
            plan(
                "SELECT * FROM revenue_by_channel_between('bulk', 'linear', true, "
                    + month
                    + ", 'booking')"))
        .containsPattern(
            "Index Scan (?:using|on) revenue_ledger_site_model_booked_at[^\\n]*\\n\\s+"
                + "Index Cond: \\(\\(site_id = 'bulk'::text\\) AND \\(model = 'linear'::text\\)"
                + " AND \\(booked_at >= ")
        .doesNotContain("payment_at");
    assertThat(
            plan(
                "SELECT * FROM conversion_by_channel_between('bulk', 'linear', true, "
                    + month
                    + ")"))
        .contains("revenue_ledger_site_model_payment_at")
        .containsPattern(
            "Index Scan (?:using|on) sessions_site_started[^\\n]*\\n\\s+Index Cond: \\(\\(site_id = 'bulk'::text\\)"
                + " AND \\(started_at >= ");
  }

  private static String plan(String sql) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (Connection c = DriverManager.getConnection(w.jdbcUrl());
        Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("EXPLAIN " + sql)) {
        while (rs.next()) {
          out.append(rs.getString(1)).append('\n');
        }
      }
    }
    return out.toString();
  }
}
