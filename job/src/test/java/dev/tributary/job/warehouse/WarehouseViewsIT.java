package dev.tributary.job.warehouse;

import static dev.tributary.job.warehouse.WarehouseRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.testing.EmbeddedWarehouse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every dashboard view over the hand-written rows of {@code warehouse/views-fixture.sql} (payments
 * P1–P7, described in its header), against numbers worked out by hand in the comments. Rows are
 * compared as "value | value | …" with decimals stripped of trailing zeros.
 */
class WarehouseViewsIT {
  private static EmbeddedWarehouse w;

  @BeforeAll
  static void populate() throws Exception {
    w = EmbeddedWarehouse.start();
    WarehouseRows.loadFixture(w);
  }

  @AfterAll
  static void stop() throws Exception {
    w.close();
  }

  private static List<String> q(String sql) throws Exception {
    return rows(w, sql);
  }

  @Test
  void revenueByChannelNetsCreditsRefundsAndCorrectionsPerPayment() throws Exception {
    // last_touch, live:
    //   Direct USD      P1 10000 - refund 3000 = 7000 (1 payment)
    //   Direct GBP      P5 4000
    //   Organic Search  P3 20000 - correction 20000 = 0 (no payment counted)
    //   Paid Search     P3 correction +20000
    //   Paid Social EUR P2 5000
    //   (unattributed)  P4 1000 JPY fully refunded: gross 1000, refunds 1000, net 0
    assertThat(
            q(
                "SELECT channel, currency, payments, gross_minor, refunds_minor, net_minor,"
                    + " net_amount FROM revenue_by_channel WHERE site_id = 'shop'"
                    + " AND model = 'last_touch' AND livemode ORDER BY channel COLLATE \"C\", currency"))
        .containsExactly(
            "(unattributed) | JPY | 0 | 1000 | 1000 | 0 | 0",
            "Direct | GBP | 1 | 4000 | 0 | 4000 | 40",
            "Direct | USD | 1 | 10000 | 3000 | 7000 | 70",
            "Organic Search | USD | 0 | 0 | 0 | 0 | 0",
            "Paid Search | USD | 1 | 20000 | 0 | 20000 | 200",
            "Paid Social | EUR | 1 | 5000 | 0 | 5000 | 50");
    // linear, live: P1 is split 5000/5000 and its refund 1500/1500, so
    //   Paid Search USD = (5000 - 1500) + 20000 (P3 after correction) = 23500 from 2 payments,
    //   gross 25000, refunds 1500; Direct USD = 5000 - 1500 = 3500.
    assertThat(
            q(
                "SELECT channel, currency, payments, gross_minor, refunds_minor, net_minor"
                    + " FROM revenue_by_channel WHERE site_id = 'shop' AND model = 'linear'"
                    + " AND livemode AND currency = 'USD' ORDER BY channel COLLATE \"C\""))
        .containsExactly(
            "Direct | USD | 1 | 5000 | 1500 | 3500",
            "Organic Search | USD | 0 | 0 | 0 | 0",
            "Paid Search | USD | 2 | 25000 | 1500 | 23500");
    // test mode is its own row: P6 1000 on Direct.
    assertThat(
            q(
                "SELECT channel, payments, net_minor FROM revenue_by_channel WHERE site_id = 'shop'"
                    + " AND model = 'last_touch' AND NOT livemode"))
        .containsExactly("Direct | 1 | 1000");
  }

  @Test
  void revenueByChannelKeepsItsOriginalColumnsFirst() throws Exception {
    assertThat(w.query("SELECT * FROM revenue_by_channel WHERE site_id = 'solo'").get(0).keySet())
        .startsWith("site_id", "model", "currency", "livemode", "channel", "payments")
        .contains("net_minor", "net_amount");
    assertThat(
            q(
                "SELECT model, channel, payments, net_minor, net_amount FROM revenue_by_channel"
                    + " WHERE site_id = 'solo'"))
        .containsExactly("last_touch | Referral | 1 | 2500 | 25");
  }

  @Test
  void revenueBySourceAndByCampaign() throws Exception {
    // linear, live, USD: google/cpc = P1's 3500 + P3's 20000; google/organic lost P3 to the
    // correction; the Direct half of P1 (3500) has no source.
    assertThat(
            q(
                "SELECT source, medium, payments, gross_minor, refunds_minor, net_minor"
                    + " FROM revenue_by_source WHERE site_id = 'shop' AND model = 'linear'"
                    + " AND livemode AND currency = 'USD' ORDER BY source NULLS LAST, medium"))
        .containsExactly(
            "google | cpc | 2 | 25000 | 1500 | 23500",
            "google | organic | 0 | 0 | 0 | 0",
            "null | null | 1 | 5000 | 1500 | 3500");
    // by campaign, live, last_touch: spring holds P3 (20000 USD), Launch P2 (5000 EUR, as
    // recorded, not lower-cased); P1's Direct 7000, P5's 4000 GBP and P4's JPY have no campaign.
    assertThat(
            q(
                "SELECT source, medium, campaign, currency, payments, net_minor, net_amount"
                    + " FROM revenue_by_campaign WHERE site_id = 'shop' AND model = 'last_touch'"
                    + " AND livemode ORDER BY campaign COLLATE \"C\" NULLS LAST, currency, source NULLS LAST"))
        .containsExactly(
            "Facebook | paid_social | Launch | EUR | 1 | 5000 | 50",
            "google | cpc | spring | USD | 1 | 20000 | 200",
            "null | null | null | GBP | 1 | 4000 | 40",
            "null | null | null | JPY | 0 | 0 | 0",
            "google | organic | null | USD | 0 | 0 | 0",
            "null | null | null | USD | 1 | 7000 | 70");
  }

  @Test
  void revenueOverTimeByPaymentDateWithConversion() throws Exception {
    // linear, live, by payment date, months in Europe/Berlin, reporting USD:
    //   Jan USD  P1: gross 10000, refunds 3000 (the Feb refund lowers P1's own month), net 7000
    //   Feb EUR  P2 (23:30Z on Jan 31 = Feb 1 in Berlin): 50.00 EUR x 1.20 (rate of 2025-02-01)
    //            = 60 USD
    //   Feb JPY  P4: 1000 JPY x (1 / 125) = 8 USD gross and refunds, net 0
    //   Feb USD  P3: payment 20000 + corrections (-20000 + 20000) = gross 20000
    //   Mar GBP  P5: no GBP rate: reporting columns NULL, fx_missing
    assertThat(
            q(
                "SELECT bucket, currency, payments, gross_minor, refunds_minor, net_minor,"
                    + " net_amount, gross_reporting, refunds_reporting, net_reporting, fx_missing"
                    + " FROM revenue_over_time WHERE site_id = 'shop' AND model = 'linear'"
                    + " AND livemode AND basis = 'payment' AND granularity = 'month'"
                    + " ORDER BY bucket, currency"))
        .containsExactly(
            "2025-01-01 | USD | 1 | 10000 | 3000 | 7000 | 70 | 100 | 30 | 70 | false",
            "2025-02-01 | EUR | 1 | 5000 | 0 | 5000 | 50 | 60 | 0 | 60 | false",
            "2025-02-01 | JPY | 1 | 1000 | 1000 | 0 | 0 | 8 | 8 | 0 | false",
            "2025-02-01 | USD | 1 | 20000 | 0 | 20000 | 200 | 200 | 0 | 200 | false",
            "2025-03-01 | GBP | 1 | 4000 | 0 | 4000 | 40 | null | null | null | true");
    // The site's total per month in USD: Jan 70; Feb 60 + 0 + 200 = 260; Mar unconverted.
    assertThat(
            q(
                "SELECT bucket, sum(net_reporting) FROM revenue_over_time WHERE site_id = 'shop'"
                    + " AND model = 'linear' AND livemode AND basis = 'payment'"
                    + " AND granularity = 'month' GROUP BY bucket ORDER BY bucket"))
        .containsExactly("2025-01-01 | 70", "2025-02-01 | 260", "2025-03-01 | null");
  }

  @Test
  void revenueOverTimeByBookingDate() throws Exception {
    // linear, live, by booking date:
    //   Jan USD  P1 booked 10000, its refund not yet: net 10000
    //   Feb USD  P3 20000 + P1's refund 3000 (booked Feb 3): gross 20000, refunds 3000, net 17000
    //   Mar USD  P3's corrections on Mar 2: -20000 + 20000 = 0, no new payment
    assertThat(
            q(
                "SELECT bucket, payments, gross_minor, refunds_minor, net_minor, net_reporting"
                    + " FROM revenue_over_time WHERE site_id = 'shop' AND model = 'linear'"
                    + " AND livemode AND basis = 'booking' AND granularity = 'month'"
                    + " AND currency = 'USD' ORDER BY bucket"))
        .containsExactly(
            "2025-01-01 | 1 | 10000 | 0 | 10000 | 100",
            "2025-02-01 | 1 | 20000 | 3000 | 17000 | 170",
            "2025-03-01 | 0 | 0 | 0 | 0 | 0");
  }

  @Test
  void revenueOverTimeDaysAndWeeksInTheSiteTimeZone() throws Exception {
    // Days in Berlin: P2 on Feb 1 (not Jan 31). Weeks start on Monday: P1 (Sunday Jan 12) is in
    // the week of Jan 6, P2 (Saturday Feb 1) in the week of Jan 27, P3 and P4 in the week of
    // Feb 10, P5 (Wednesday Mar 5) in the week of Mar 3.
    assertThat(
            q(
                "SELECT granularity, bucket, currency, net_minor FROM revenue_over_time"
                    + " WHERE site_id = 'shop' AND model = 'last_touch' AND livemode"
                    + " AND basis = 'payment' AND granularity IN ('day', 'week')"
                    + " ORDER BY granularity, bucket, currency"))
        .containsExactly(
            "day | 2025-01-12 | USD | 7000",
            "day | 2025-02-01 | EUR | 5000",
            "day | 2025-02-10 | USD | 20000",
            "day | 2025-02-15 | JPY | 0",
            "day | 2025-03-05 | GBP | 4000",
            "week | 2025-01-06 | USD | 7000",
            "week | 2025-01-27 | EUR | 5000",
            "week | 2025-02-10 | JPY | 0",
            "week | 2025-02-10 | USD | 20000",
            "week | 2025-03-03 | GBP | 4000");
    // Site solo has no settings: UTC and USD, so P7 (23:30Z on Jan 31) stays in January.
    assertThat(
            q(
                "SELECT granularity, bucket, reporting_currency, net_reporting FROM"
                    + " revenue_over_time WHERE site_id = 'solo' AND basis = 'payment'"
                    + " AND granularity <> 'week' ORDER BY granularity"))
        .containsExactly("day | 2025-01-31 | USD | 25", "month | 2025-01-01 | USD | 25");
  }

  @Test
  void ledgerTotalsMatchThePaymentsNetAndIgnoreTheRefundsTable() throws Exception {
    // Per currency, net over all buckets = payments.amount - refunded: USD 7000 + 20000, EUR
    // 5000, JPY 0, GBP 4000, for every booked model. The refunds table (3000 USD, 1000 JPY) is
    // already inside the ledger and must not be subtracted twice.
    List<String> expected = List.of("EUR | 5000", "GBP | 4000", "JPY | 0", "USD | 27000");
    assertThat(
            q(
                "SELECT currency, sum(net_minor) FROM payments WHERE site_id = 'shop'"
                    + " AND livemode GROUP BY currency ORDER BY currency"))
        .isEqualTo(expected);
    for (String model : List.of("last_touch", "linear")) {
      for (String basis : List.of("payment", "booking")) {
        assertThat(
                q(
                    "SELECT currency, sum(net_minor) FROM revenue_over_time WHERE site_id = 'shop'"
                        + " AND livemode AND model = '"
                        + model
                        + "' AND basis = '"
                        + basis
                        + "' AND granularity = 'week' GROUP BY currency ORDER BY currency"))
            .as("%s by %s", model, basis)
            .isEqualTo(expected);
      }
      assertThat(
              q(
                  "SELECT currency, sum(net_minor) FROM revenue_by_channel WHERE site_id = 'shop'"
                      + " AND livemode AND model = '"
                      + model
                      + "' GROUP BY currency ORDER BY currency"))
          .isEqualTo(expected);
    }
  }

  @Test
  void conversionRateByChannel() throws Exception {
    // Visitors: Direct {v1, v5}, Organic Search {v4}, Paid Search {v1, v3}, Paid Social {v2}.
    // last_touch, live: Direct v1 (P1, P5) → 1/2; Organic Search v4 lost P3 → 0/1; Paid Search
    // v3 (P3 after correction) → 1/2; Paid Social v2 → 1/1.
    assertThat(
            q(
                "SELECT channel, visitors, paying_visitors, conversion_rate"
                    + " FROM conversion_by_channel WHERE site_id = 'shop'"
                    + " AND model = 'last_touch' AND livemode ORDER BY channel COLLATE \"C\""))
        .containsExactly(
            "Direct | 2 | 1 | 0.5",
            "Organic Search | 1 | 0 | 0",
            "Paid Search | 2 | 1 | 0.5",
            "Paid Social | 1 | 1 | 1");
    // linear credits v1's Paid Search touch of P1 too → Paid Search 2/2.
    assertThat(
            q(
                "SELECT channel, paying_visitors, conversion_rate FROM conversion_by_channel"
                    + " WHERE site_id = 'shop' AND model = 'linear' AND livemode"
                    + " AND channel = 'Paid Search'"))
        .containsExactly("Paid Search | 2 | 1");
    // test mode: only v5 paid (P6, Direct); a model without entries lists 0 paying visitors.
    assertThat(
            q(
                "SELECT channel, paying_visitors, conversion_rate FROM conversion_by_channel"
                    + " WHERE site_id = 'shop' AND model = 'last_touch' AND NOT livemode"
                    + " AND paying_visitors > 0"))
        .containsExactly("Direct | 1 | 0.5");
    assertThat(
            q(
                "SELECT count(*), sum(paying_visitors) FROM conversion_by_channel"
                    + " WHERE site_id = 'shop' AND model = 'first_touch'"))
        .containsExactly("8 | 0");
  }

  @Test
  void averageOrderValueCountsFractionalOrders() throws Exception {
    // linear, live, USD: Paid Search holds 3500 of P1 (net 7000 → 0.5 order) and all of P3
    // (20000 → 1 order): 23500 / 1.5 = 15666.67 minor = 156.666667; Direct holds 3500 of P1
    // (0.5 order): 3500 / 0.5 = 7000 minor = 70. Organic Search (net 0) is not listed.
    assertThat(
            q(
                "SELECT channel, payments, attributed_orders, net_minor, aov_amount"
                    + " FROM aov_by_channel WHERE site_id = 'shop' AND model = 'linear'"
                    + " AND livemode AND currency = 'USD' ORDER BY channel COLLATE \"C\""))
        .containsExactly(
            "Direct | 1 | 0.5 | 3500 | 70", "Paid Search | 2 | 1.5 | 23500 | 156.666667");
    // last_touch: one whole order per payment; P4 (net 0) counts nowhere.
    assertThat(
            q(
                "SELECT channel, currency, payments, attributed_orders, aov_amount"
                    + " FROM aov_by_channel WHERE site_id = 'shop' AND model = 'last_touch'"
                    + " AND livemode ORDER BY channel COLLATE \"C\", currency"))
        .containsExactly(
            "Direct | GBP | 1 | 1 | 40",
            "Direct | USD | 1 | 1 | 70",
            "Paid Search | USD | 1 | 1 | 200",
            "Paid Social | EUR | 1 | 1 | 50");
  }

  @Test
  void campaignRoiInTheReportingCurrency() throws Exception {
    // Spend: spring 80 + 20 = 100 USD; launch 25 EUR on Jan 15 x 1.10 = 27.50 USD; winter 30 USD.
    // linear, live revenue: spring = P1's 50 - 15 refund + P3's 200 = 235 → ROAS 2.35, ROI 1.35;
    // launch (matched case-insensitively to "Facebook/paid_social/Launch") = P2 50 EUR x 1.20 =
    // 60 → ROAS 60 / 27.5 = 2.181818, ROI 32.5 / 27.5 = 1.181818; winter no revenue → 0, -1.
    assertThat(
            q(
                "SELECT source, medium, campaign, payments, gross_reporting, refunds_reporting,"
                    + " net_reporting, spend_reporting, roas, roi, fx_missing FROM campaign_roi"
                    + " WHERE site_id = 'shop' AND model = 'linear' AND livemode"
                    + " ORDER BY campaign"))
        .containsExactly(
            "facebook | paid_social | launch | 1 | 60 | 0 | 60 | 27.5 | 2.181818 | 1.181818 | false",
            "google | cpc | spring | 2 | 250 | 15 | 235 | 100 | 2.35 | 1.35 | false",
            "bing | cpc | winter | 0 | 0 | 0 | 0 | 30 | 0 | -1 | false");
    // last_touch: spring only has P3 (200) → ROAS 2; test mode has no campaign revenue.
    assertThat(
            q(
                "SELECT campaign, net_reporting, roas FROM campaign_roi WHERE site_id = 'shop'"
                    + " AND model = 'last_touch' AND livemode AND campaign = 'spring'"))
        .containsExactly("spring | 200 | 2");
    assertThat(
            q(
                "SELECT sum(net_reporting) AS net, sum(spend_reporting) AS spend FROM campaign_roi"
                    + " WHERE site_id = 'shop' AND model = 'last_touch' AND NOT livemode"))
        .containsExactly("0 | 157.5");
  }

  @Test
  void campaignRoiByCurrencyIsExact() throws Exception {
    // linear, live: launch EUR 5000 / 2500 = 2; spring USD 23500 / 10000 = 2.35; winter 0 / 3000.
    assertThat(
            q(
                "SELECT campaign, currency, payments, net_minor, spend_minor, spend_exponent,"
                    + " roas, roi FROM campaign_roi_by_currency WHERE site_id = 'shop'"
                    + " AND model = 'linear' AND livemode ORDER BY campaign"))
        .containsExactly(
            "launch | EUR | 1 | 5000 | 2500 | 2 | 2 | 1",
            "spring | USD | 2 | 23500 | 10000 | 2 | 2.35 | 1.35",
            "winter | USD | 0 | 0 | 3000 | 2 | 0 | -1");
  }

  @Test
  void attributionQualityShares() throws Exception {
    // live USD: metadata/high P1 net 7000, customer/high P3 net 20000 → 7000/27000 = 0.259259,
    // 20000/27000 = 0.740741; one payment each → 0.5.
    // Across currencies in USD: 70 + 200 + 60 (EUR) + 0 (JPY) = 330 (GBP has no rate):
    // 70/330 = 0.212121, 200/330 = 0.606061, 60/330 = 0.181818.
    assertThat(
            q(
                "SELECT currency, method, confidence, payments, gross_minor, refunds_minor,"
                    + " net_minor, share_of_net, share_of_payments, net_reporting,"
                    + " share_of_net_reporting, fx_missing FROM attribution_quality"
                    + " WHERE site_id = 'shop' AND livemode ORDER BY currency, method"))
        .containsExactly(
            "EUR | email | medium | 1 | 5000 | 0 | 5000 | 1 | 1 | 60 | 0.181818 | false",
            "GBP | metadata | high | 1 | 4000 | 0 | 4000 | 1 | 1 | null | null | true",
            "JPY | unattributed | none | 1 | 1000 | 1000 | 0 | null | 1 | 0 | 0 | false",
            "USD | customer | high | 1 | 20000 | 0 | 20000 | 0.740741 | 0.5 | 200 | 0.606061 | false",
            "USD | metadata | high | 1 | 10000 | 3000 | 7000 | 0.259259 | 0.5 | 70 | 0.212121 | false");
  }

  @Test
  void newVersusRenewal() throws Exception {
    // P3 renews sub_1 (February, 200 USD); the rest is new. Refunds are the payments' own.
    assertThat(
            q(
                "SELECT bucket, kind, currency, payments, gross_minor, refunds_minor, net_minor,"
                    + " net_reporting, fx_missing FROM revenue_new_vs_renewal"
                    + " WHERE site_id = 'shop' AND livemode AND granularity = 'month'"
                    + " ORDER BY bucket, kind, currency"))
        .containsExactly(
            "2025-01-01 | new | USD | 1 | 10000 | 3000 | 7000 | 70 | false",
            "2025-02-01 | new | EUR | 1 | 5000 | 0 | 5000 | 60 | false",
            "2025-02-01 | new | JPY | 1 | 1000 | 1000 | 0 | 0 | false",
            "2025-02-01 | renewal | USD | 1 | 20000 | 0 | 20000 | 200 | false",
            "2025-03-01 | new | GBP | 1 | 4000 | 0 | 4000 | null | true");
  }

  @Test
  void fxRateRules() throws Exception {
    // same currency 1; direct latest on or before the day; before the first rate NULL; the
    // inverse of the reverse pair; no pair at all NULL.
    assertThat(
            q(
                "SELECT fx_rate('USD', 'USD', '2020-01-01') AS r1, fx_rate('EUR', 'USD', '2025-01-31') AS r2,"
                    + " fx_rate('EUR', 'USD', '2025-02-01') AS r3, fx_rate('EUR', 'USD', '2024-12-31') AS r4,"
                    + " fx_rate('JPY', 'USD', '2025-03-01') AS r5, fx_rate('USD', 'EUR', '2025-02-01') AS r6,"
                    + " fx_rate('GBP', 'USD', '2025-03-01') AS r7"))
        .containsExactly("1 | 1.1 | 1.2 | null | 0.008 | 0.83333333333333333333 | null");
  }
}
