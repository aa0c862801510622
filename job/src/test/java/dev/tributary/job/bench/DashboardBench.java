package dev.tributary.job.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.job.testing.EmbeddedWarehouse;
import dev.tributary.job.testing.GrafanaPanels;
import dev.tributary.job.warehouse.WarehouseRows;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How long each panel of the Grafana dashboard ({@code deploy/grafana/dashboards/tributary.json})
 * takes on a big warehouse, for a 30-day range and for the full history, beside the old all-time
 * views (issue #18: every panel's query for a 30-day range under 1 s with 10 million journal rows
 * and 1 million sessions on 2 cores).
 *
 * <p>The warehouse is an embedded PostgreSQL with the migrations applied ({@link
 * EmbeddedWarehouse}, the server's default settings). One site, {@code bench} (reporting USD, days
 * in Europe/Berlin), over 2025 is generated inside PostgreSQL ({@code INSERT … SELECT …
 * generate_series}, deterministic: every choice is a hash of a row number):
 *
 * <ul>
 *   <li>{@code --sessions} sessions (default 1,000,000) of 0.4 × as many visitors, 2–3 sessions
 *       each, 3 days apart, visitors arriving evenly over the year; 8 channels in 16
 *       source/medium/campaign variants (Direct 18 %, Organic Search, Paid Search and Paid Social
 *       with campaigns, Email, Referral, Organic Social, Affiliates);
 *   <li>payments, as many as give {@code --ledger-rows} journal rows (default 10,000,000: about
 *       1.07 million payments), evenly over the year: USD 55 %, EUR 25 %, GBP 15 % (exponent 2),
 *       JPY 5 % (exponent 0); 80 % Stripe, 20 % Paddle; 2 % test mode; 30 % renewals; linked by
 *       metadata 55 % (high), customer 15 % (high), email 10 % (medium), timestamp 5 % (low),
 *       unattributed 15 % (none) to a visitor who arrived 12–40 days (renewals 30–200 days) before;
 *       refunded 10 % (6 % in full, 4 % half; 1 % charged back), 1–21 days later; written with the
 *       payments' triggers off, and their {@code credits} (the standing position, V6) set from the
 *       journal once it is written, as the job's rows carry them;
 *   <li>the journal ({@code revenue_ledger}) as the job books it: per payment one entry for each
 *       single-touch model (first touch: the visitor's first session; last touch: the last; last
 *       non-direct: the last that was not Direct, else the last) and 1–3 touches (the visitor's
 *       last sessions) for linear, position-based (40/20/40) and time-decay (1:2:4), the credits of
 *       a model summing to the amount; unattributed payments one {@code (unattributed)} entry per
 *       model; a {@code refund} entry beside each credit of a refunded payment, booked at the
 *       refund. Written in booking order, as the job appends it. The journal's indexes (and the
 *       other tables') are dropped for the bulk insert and re-created from their definitions;
 *   <li>each customer's first payment ({@code customer_firsts}, V10), rebuilt from the payments by
 *       {@code rebuild_customer_firsts()} as the triggers were off;
 *   <li>monthly FX rates EUR→USD, GBP→USD, USD→JPY and daily spend of seven campaigns (six with
 *       revenue, two in EUR, one with mixed-case utm values).
 * </ul>
 *
 * <p>Then every panel's SQL, as Grafana sends it ({@link GrafanaPanels}: variables site {@code
 * bench}, model {@code linear}, currency and reporting {@code USD}, live, basis {@code payment},
 * granularity {@code day}, payment {@code stripe:pi_1}), for 2025-06-01…2025-07-01 and for
 * 2024-01-01…2027-01-01 (every row), on one connection: {@code --warmups} untimed runs, then {@code
 * --runs} timed ones (wall time to the last row read); the median and the slowest. Beside them: the
 * dashboard's template-variable queries, a full scan of the journal, the period functions of {@code
 * sql/views/R__periods.sql} called directly and the all-time views they replace ({@code
 * --baseline-runs} timed runs, no warm-up: they read every row, tens of seconds each). Last, the
 * goal line and the plan ({@code EXPLAIN (ANALYZE, BUFFERS)}) of the slowest 30-day panel and of
 * every panel over the goal. A query that fails prints its error and the run goes on.
 *
 * <p>Options: {@code --ledger-rows 10000000 --sessions 1000000 --runs 5 --history-runs 5 --warmups
 * 1 --baseline-runs 1 (0: the views are not run) --timeout-seconds 600 --set name=value}
 * (repeatable: a server setting for the timed connections, {@code ALTER DATABASE … SET}, e.g.
 * {@code --set work_mem=64MB}) {@code --queries file.sql} (queries to time beside the panels, each
 * after a line {@code -- name: …}, with the dashboard's variables and macros; a block named {@code
 * setup…} is executed once, in its place: a rewritten function to try, a setting; one named {@code
 * show…} prints its rows; each timed query's plan is printed last). Run with {@code
 * deploy/bench/dashboards.sh}.
 */
public final class DashboardBench {

  static final double GOAL_MS = 1_000;
  static final String SITE = "bench";
  static final Instant RANGE_FROM = Instant.parse("2025-06-01T00:00:00Z");
  static final Instant RANGE_TO = Instant.parse("2025-07-01T00:00:00Z");
  static final Instant ALL_FROM = Instant.parse("2024-01-01T00:00:00Z");
  static final Instant ALL_TO = Instant.parse("2027-01-01T00:00:00Z");
  static final String PAYMENT = "stripe:pi_1";

  /** The dashboard's variables as the benchmark sets them. */
  static final Map<String, String> VARIABLES =
      Map.of(
          "site", SITE,
          "model", "linear",
          "currency", "USD",
          "livemode", "true",
          "basis", "payment",
          "granularity", "day",
          "reporting", "USD",
          "payment", PAYMENT);

  private DashboardBench() {}

  /** Where sessions come from: a channel with its utm values; weight in % of sessions. */
  record Variant(
      int weight,
      String channel,
      String source,
      String medium,
      String campaign,
      String referrerHost) {}

  /** Direct first: its slots are 0 … weight - 1, which the last-non-direct rule relies on. */
  static final List<Variant> VARIANTS =
      List.of(
          new Variant(18, "Direct", "(direct)", "(none)", null, null),
          new Variant(14, "Organic Search", "google", "organic", null, "www.google.com"),
          new Variant(4, "Organic Search", "bing", "organic", null, "www.bing.com"),
          new Variant(8, "Paid Search", "google", "cpc", "brand", null),
          new Variant(7, "Paid Search", "google", "cpc", "generic", null),
          new Variant(3, "Paid Search", "bing", "cpc", "generic", null),
          new Variant(6, "Paid Social", "facebook", "paid_social", "spring_sale", null),
          new Variant(4, "Paid Social", "facebook", "paid_social", "retargeting", null),
          new Variant(3, "Paid Social", "linkedin", "cpc", "b2b_launch", null),
          new Variant(9, "Email", "newsletter", "email", "weekly_digest", null),
          new Variant(3, "Email", "newsletter", "email", "onboarding", null),
          new Variant(
              8, "Referral", "news.ycombinator.com", "referral", null, "news.ycombinator.com"),
          new Variant(3, "Referral", "github.com", "referral", null, "github.com"),
          new Variant(5, "Organic Social", "t.co", "referral", null, "t.co"),
          new Variant(2, "Organic Social", "reddit.com", "referral", null, "www.reddit.com"),
          new Variant(3, "Affiliates", "partnerx", "affiliate", "partner_program", null));

  static final int DIRECT_SLOTS = VARIANTS.get(0).weight();

  /**
   * {@code bench_u(k, salt)}: a uniform number in [0, 1) from a hash of {@code k}, so that the data
   * is the same on every run and a row's choices can be recomputed from its number elsewhere (the
   * journal recomputes the channel of a visitor's sessions).
   */
  static final String HASH_FUNCTION =
      """
      CREATE FUNCTION bench_u(k bigint, salt bigint) RETURNS float8
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT ((hashint8extended(k, salt) >> 11) & 9007199254740991)::float8
                / 9007199254740992 $$
      """;

  /**
   * Sessions 1 … {S}: session {@code sno} is visitor {@code (sno - 1) % V + 1}'s session number
   * {@code (sno - 1) / V}; a visitor arrives at (v - 1) / V of 355 days, returns every 3 days.
   */
  static final String SESSIONS =
      """
      INSERT INTO sessions (site_id, session_id, visitor_id, started_at, last_seen_at, pageviews,
          channel, source, medium, campaign, term, content, referrer, referrer_host, landing_page)
      SELECT 'bench', 's' || g.sno, 'v' || g.v, g.t, g.t + g.pv * interval '45 seconds', g.pv,
             b.channel, b.source, b.medium, b.campaign, NULL, NULL,
             CASE WHEN b.referrer_host IS NOT NULL THEN 'https://' || b.referrer_host || '/' END,
             b.referrer_host,
             (ARRAY['/', '/pricing', '/blog/attribution', '/docs', '/signup'])[1 + (g.sno % 5)::int]
      FROM (
          SELECT sno, v,
                 timestamptz '2025-01-01 00:00:00+00'
                   + ((v - 1)::float8 / {V} * 355 + bench_u(v, 1) + j * 3 + bench_u(sno, 4) * 2)
                     * interval '1 day'                                  AS t,
                 1 + floor(bench_u(sno, 5) * 8)::int                     AS pv,
                 floor(bench_u(sno, 3) * 100)::int                       AS slot
          FROM (SELECT sno, (sno - 1) % {V} + 1 AS v, (sno - 1) / {V} AS j
                FROM generate_series(1::bigint, {S}) sno) s
      ) g
      JOIN bench_slot sl ON sl.slot = g.slot
      JOIN bench_variant b ON b.idx = sl.idx
      ORDER BY g.t
      """;

  /**
   * Payments {LO} … {HI} with helper columns: i (the number), v (the visitor, NULL when
   * unattributed), n (the visitor's sessions), k (touches of the multi-touch models).
   */
  static final String PAYMENTS_SELECT =
      """
      WITH base AS (
          SELECT i,
                 bench_u(i, 11) * 365                                    AS td,
                 bench_u(i, 12) < 0.3                                    AS renewal,
                 bench_u(i, 13)                                          AS mu,
                 bench_u(i, 16)                                          AS cu,
                 floor(bench_u(i, 17) * 6)::int                          AS tier,
                 bench_u(i, 18) >= 0.02                                  AS livemode,
                 bench_u(i, 19)                                          AS ru,
                 CASE WHEN bench_u(i, 12) < 0.3 THEN 30 + bench_u(i, 14) * 170
                      ELSE 12 + bench_u(i, 14) * 28 END                  AS back
          FROM generate_series({LO}::bigint, {HI}::bigint) i
      ),
      linked AS (
          SELECT b.*,
                 CASE WHEN mu < 0.55 THEN 'metadata' WHEN mu < 0.70 THEN 'customer'
                      WHEN mu < 0.80 THEN 'email' WHEN mu < 0.85 THEN 'timestamp'
                      ELSE 'unattributed' END                            AS method,
                 CASE WHEN mu < 0.85 THEN least({V}, greatest(1, floor(
                          (CASE WHEN td >= back THEN td - back ELSE td * bench_u(i, 15) END)
                          / 355 * {V})::bigint + 1)) END                 AS v,
                 timestamptz '2025-01-01 00:00:00+00' + td * interval '1 day' AS t,
                 CASE WHEN cu < 0.55 THEN 'USD' WHEN cu < 0.80 THEN 'EUR'
                      WHEN cu < 0.95 THEN 'GBP' ELSE 'JPY' END           AS currency
          FROM base b
      ),
      p AS (
          SELECT l.*,
                 ({S} - l.v) / {V} + 1                                   AS n,
                 CASE WHEN l.currency = 'JPY'
                      THEN (ARRAY[1000, 2000, 3000, 5000, 10000, 20000])[l.tier + 1]
                      ELSE (ARRAY[900, 1900, 2900, 4900, 9900, 19900])[l.tier + 1]
                 END::bigint                                             AS amount
          FROM linked l
      )
      SELECT p.*,
             CASE WHEN p.v IS NULL THEN 1 ELSE least(p.n, 1 + p.i % 3) END AS k,
             CASE WHEN p.ru < 0.06 THEN p.amount WHEN p.ru < 0.10 THEN p.amount / 2 ELSE 0 END
                                                                         AS refunded
      FROM p
      """;

  static final String PAYMENTS =
      """
      INSERT INTO payments (site_id, provider, payment_key, event_id, event_type, amount_minor,
          currency, currency_exponent, occurred_at, received_at, visitor_id, session_id,
          customer_id, email_hash, livemode, method, confidence, candidates, reason,
          subscription_id, renewal, refunded_minor, chargeback, credited_at, refunded_at)
      SELECT 'bench',
             CASE WHEN x.i % 5 = 0 THEN 'paddle' ELSE 'stripe' END,
             CASE WHEN x.i % 5 = 0 THEN 'txn_' ELSE 'pi_' END || x.i,
             'evt_' || x.i,
             CASE WHEN x.i % 5 = 0 THEN 'transaction.completed' ELSE 'payment_intent.succeeded' END,
             x.amount, x.currency, CASE WHEN x.currency = 'JPY' THEN 0 ELSE 2 END,
             x.t, x.t + interval '2 seconds',
             'v' || x.v,
             CASE WHEN x.method = 'metadata' THEN 's' || (x.v + (x.n - 1) * {V}) END,
             CASE WHEN x.method = 'customer' OR x.renewal OR bench_u(x.i, 22) < 0.4
                  THEN 'cus_' || coalesce(x.v::text, 'u' || x.i % 50000) END,
             CASE WHEN x.method = 'email' OR bench_u(x.i, 21) < 0.3
                  THEN md5('buyer' || coalesce(x.v::text, 'u' || x.i % 50000))
                       || md5('mail' || coalesce(x.v::text, 'u' || x.i % 50000)) END,
             x.livemode, x.method,
             CASE x.method WHEN 'metadata' THEN 'high' WHEN 'customer' THEN 'high'
                  WHEN 'email' THEN 'medium' WHEN 'timestamp' THEN 'low' ELSE 'none' END,
             CASE WHEN x.method = 'unattributed' THEN 0 ELSE 1 END,
             CASE x.method
                  WHEN 'metadata' THEN 'checkout metadata names the visitor'
                  WHEN 'customer' THEN 'an earlier payment of the provider customer was linked'
                  WHEN 'email' THEN 'the payer''s email was identified on the site'
                  WHEN 'timestamp' THEN 'the only visitor active on the site just before'
                  ELSE 'no evidence links the payment to a visitor' END,
             CASE WHEN x.renewal THEN 'sub_' || coalesce(x.v::text, 'u' || x.i % 50000) END,
             x.renewal, x.refunded, x.ru < 0.01,
             x.t + interval '3 seconds',
             CASE WHEN x.refunded > 0 THEN x.t + (1 + bench_u(x.i, 20) * 20) * interval '1 day' END
      FROM ({SELECT}) x
      ORDER BY x.t
      """;

  /** Journal rows the payments {LO} … {HI} make: 3 + 3k, unattributed 6; twice when refunded. */
  static final String LEDGER_ROWS =
      """
      SELECT count(*),
             sum(CASE WHEN x.v IS NULL THEN 6 ELSE 3 + 3 * x.k END
                 * CASE WHEN x.refunded > 0 THEN 2 ELSE 1 END)
      FROM ({SELECT}) x
      """;

  /** Credit shares [lo, hi) of touch t of k per model; the single-touch models pick their own. */
  static final String WEIGHTS =
      """
      CREATE TABLE bench_weight (model text, k int, t int, lo numeric, hi numeric);
      INSERT INTO bench_weight
      SELECT m, k, 0, 0, 1
      FROM unnest(ARRAY['first_touch', 'last_touch', 'last_non_direct']) m,
           generate_series(1, 3) k;
      INSERT INTO bench_weight VALUES
        ('linear', 1, 0, 0, 1),
        ('linear', 2, 0, 0, 0.5), ('linear', 2, 1, 0.5, 1),
        ('linear', 3, 0, 0, 1::numeric / 3), ('linear', 3, 1, 1::numeric / 3, 2::numeric / 3),
        ('linear', 3, 2, 2::numeric / 3, 1),
        ('position_based', 1, 0, 0, 1),
        ('position_based', 2, 0, 0, 0.5), ('position_based', 2, 1, 0.5, 1),
        ('position_based', 3, 0, 0, 0.4), ('position_based', 3, 1, 0.4, 0.6),
        ('position_based', 3, 2, 0.6, 1),
        ('time_decay', 1, 0, 0, 1),
        ('time_decay', 2, 0, 0, 1::numeric / 3), ('time_decay', 2, 1, 1::numeric / 3, 1),
        ('time_decay', 3, 0, 0, 1::numeric / 7), ('time_decay', 3, 1, 1::numeric / 7, 3::numeric / 7),
        ('time_decay', 3, 2, 3::numeric / 7, 1);
      """;

  /** Whether session {@code sno} came Direct (its slot is one of Direct's). */
  static String direct(String sno) {
    return "(floor(bench_u(" + sno + ", 3) * 100) < " + DIRECT_SLOTS + ")";
  }

  static final String LEDGER =
      """
      INSERT INTO revenue_ledger (entry_id, site_id, provider, payment_key, model, entry_type,
          visitor_id, session_id, channel, source, medium, campaign, amount_minor, currency,
          currency_exponent, payment_at, booked_at, livemode)
      SELECT gen_random_uuid()::text, 'bench', y.provider, y.payment_key, y.model, e.entry_type,
             'v' || y.v, 's' || y.sno, coalesce(y.channel, '(unattributed)'), y.source, y.medium,
             y.campaign,
             CASE WHEN e.entry_type = 'payment' THEN y.credit ELSE -y.refund END,
             y.currency, y.currency_exponent, y.occurred_at,
             CASE WHEN e.entry_type = 'payment' THEN y.credited_at ELSE y.refunded_at END AS booked,
             y.livemode
      FROM (
          SELECT x.*, b.channel, b.source, b.medium, b.campaign
          FROM (
              SELECT p.provider, p.payment_key, p.currency, p.currency_exponent, p.occurred_at,
                     p.credited_at, p.refunded_at, p.livemode, p.v, w.model,
                     (floor(p.amount_minor * w.hi) - floor(p.amount_minor * w.lo))::bigint AS credit,
                     (floor(p.refunded_minor * w.hi) - floor(p.refunded_minor * w.lo))::bigint
                                                                                   AS refund,
                     p.v + {V}::bigint * CASE w.model
                         WHEN 'first_touch' THEN 0
                         WHEN 'last_touch' THEN p.n - 1
                         WHEN 'last_non_direct' THEN CASE
                             WHEN NOT {D1} THEN p.n - 1
                             WHEN p.n >= 2 AND NOT {D2} THEN p.n - 2
                             WHEN p.n >= 3 AND NOT {D3} THEN p.n - 3
                             ELSE p.n - 1 END
                         ELSE p.n - p.k + w.t END                                  AS sno
              FROM (
                  SELECT q.*, CASE WHEN q.v IS NULL THEN 1 ELSE least(q.n, 1 + q.i % 3) END AS k
                  FROM (
                      SELECT pm.provider, pm.payment_key, pm.currency, pm.currency_exponent,
                             pm.occurred_at, pm.credited_at, pm.refunded_at, pm.livemode,
                             pm.amount_minor, pm.refunded_minor,
                             substr(pm.visitor_id, 2)::bigint                          AS v,
                             substr(pm.event_id, 5)::bigint                            AS i,
                             ({S} - substr(pm.visitor_id, 2)::bigint) / {V} + 1        AS n
                      FROM payments pm
                      WHERE pm.site_id = 'bench'
                  ) q
              ) p
              JOIN bench_weight w ON w.k = p.k
          ) x
          LEFT JOIN bench_slot sl ON sl.slot = floor(bench_u(x.sno, 3) * 100)::int
          LEFT JOIN bench_variant b ON b.idx = sl.idx
      ) y
      CROSS JOIN (VALUES ('payment'), ('refund')) AS e (entry_type)
      WHERE e.entry_type = 'payment' OR y.refund <> 0
      ORDER BY booked, y.provider, y.payment_key, e.entry_type, y.model
      """
          .replace("{D1}", direct("p.v + {V}::bigint * (p.n - 1)"))
          .replace("{D2}", direct("p.v + {V}::bigint * (p.n - 2)"))
          .replace("{D3}", direct("p.v + {V}::bigint * (p.n - 3)"));

  static final String REFERENCE_DATA =
      """
      INSERT INTO site_settings (site_id, reporting_currency, time_zone)
      VALUES ('bench', 'USD', 'Europe/Berlin');
      INSERT INTO fx_rates (day, base, quote, rate)
      SELECT m::date, x.base, x.quote,
             round(x.rate * (1 + 0.02 * sin(extract(month FROM m)::float8))::numeric, 6)
      FROM generate_series(timestamp '2024-12-01', timestamp '2026-12-01', interval '1 month') m
      CROSS JOIN (VALUES ('EUR', 'USD', 1.08), ('GBP', 'USD', 1.27), ('USD', 'JPY', 150.0))
           AS x (base, quote, rate);
      INSERT INTO campaign_spend (day, site_id, source, medium, campaign, currency, amount_minor,
          currency_exponent)
      SELECT d::date, 'bench', c.source, c.medium, c.campaign, c.currency,
             (c.daily * (0.5 + bench_u(c.n * 1000 + (d::date - date '2025-01-01'), 30)))::bigint, 2
      FROM generate_series(timestamp '2025-01-01', timestamp '2025-12-31', interval '1 day') d
      CROSS JOIN (VALUES
          (1, 'google', 'cpc', 'brand', 'USD', 150000),
          (2, 'google', 'cpc', 'generic', 'USD', 400000),
          (3, 'bing', 'cpc', 'generic', 'USD', 80000),
          (4, 'Facebook', 'Paid_Social', 'Spring_Sale', 'EUR', 250000),
          (5, 'facebook', 'paid_social', 'retargeting', 'EUR', 150000),
          (6, 'linkedin', 'cpc', 'b2b_launch', 'USD', 120000),
          (7, 'google', 'cpc', 'display_test', 'USD', 50000))
           AS c (n, source, medium, campaign, currency, daily);
      """;

  /**
   * The all-time views of {@code sql/views} as the old dashboard read them (the "before"): one
   * site, model and mode; the two time series filtered to the 30 days' buckets, as their panels
   * did.
   */
  static Map<String, String> views() {
    String m = "site_id = 'bench' AND model = 'linear' AND livemode";
    String buckets = " AND bucket BETWEEN '" + RANGE_FROM + "' AND '" + RANGE_TO + "'";
    Map<String, String> v = new LinkedHashMap<>();
    v.put("revenue_over_time", m + " AND basis = 'payment' AND granularity = 'day'" + buckets);
    for (String view :
        List.of(
            "revenue_by_channel",
            "revenue_by_source",
            "revenue_by_campaign",
            "conversion_by_channel",
            "aov_by_channel",
            "campaign_roi",
            "campaign_roi_by_currency")) {
      v.put(view, m);
    }
    v.put("attribution_quality", "site_id = 'bench' AND livemode");
    v.put(
        "revenue_new_vs_renewal",
        "site_id = 'bench' AND livemode AND granularity = 'day'" + buckets);
    v.replaceAll((view, where) -> "SELECT * FROM " + view + " WHERE " + where);
    return v;
  }

  /** The period functions of {@code R__periods.sql}, by the view each replaces (or its name). */
  static Map<String, String> functions(Instant from, Instant to) {
    String range = "'" + from + "', '" + to + "'";
    String m = "'bench', 'linear', true, " + range + ", 'payment'";
    String p = "'bench', true, " + range;
    Map<String, String> f = new LinkedHashMap<>();
    f.put("revenue_over_time", "revenue_over_time_between(" + m + ", 'day')");
    f.put("revenue_by_channel", "revenue_by_channel_between(" + m + ")");
    f.put("revenue_by_source", "revenue_by_source_between(" + m + ")");
    f.put("revenue_by_campaign", "revenue_by_campaign_between(" + m + ")");
    f.put("conversion_by_channel", "conversion_by_channel_between(" + m + ")");
    f.put("aov_by_channel", "aov_by_channel_between(" + m + ")");
    f.put("campaign_roi", "campaign_roi_between(" + m + ")");
    f.put("campaign_roi_by_currency", "campaign_roi_by_currency_between(" + m + ")");
    f.put("attribution_quality", "attribution_quality_between(" + p + ", 'payment')");
    f.put("revenue_new_vs_renewal", "revenue_new_vs_renewal_between(" + p + ", 'payment', 'day')");
    f.put("(ltv_by_acquisition_channel)", "ltv_by_acquisition_channel(" + p + ")");
    f.replaceAll((k, call) -> "SELECT * FROM " + call);
    return f;
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    System.out.printf(
        Locale.ROOT,
        "dashboard bench %s: %d cores, Java %s, target %,d journal rows and %,d sessions; %d"
            + " warm-up + %d timed runs per query (full history: %d; all-time views: %d, no"
            + " warm-up)%n",
        LocalDate.now(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        o.ledgerRows,
        o.sessions,
        o.warmups,
        o.runs,
        o.historyRuns,
        o.baselineRuns);
    try (EmbeddedWarehouse w = EmbeddedWarehouse.start()) {
      try (Connection c = connect(w)) {
        System.out.println("PostgreSQL: " + settings(c));
        generate(c, o);
        sizes(c);
      }
      for (Map.Entry<String, String> s : o.settings.entrySet()) {
        w.execute("ALTER DATABASE postgres SET " + s.getKey() + " = '" + s.getValue() + "'");
        System.out.println("timed connections: SET " + s.getKey() + " = " + s.getValue());
      }
      try (Connection c = connect(w)) {
        try (Statement st = c.createStatement()) {
          st.execute("SET statement_timeout = '" + o.timeoutSeconds + "s'");
        }
        measure(w, c, o);
      }
    }
  }

  private static Connection connect(EmbeddedWarehouse w) throws SQLException {
    return DriverManager.getConnection(w.jdbcUrl(), "postgres", "postgres");
  }

  private static String settings(Connection c) throws SQLException {
    List<String> parts = new ArrayList<>();
    parts.add(String.valueOf(value(c, "SELECT current_setting('server_version')")));
    for (String s :
        List.of(
            "shared_buffers",
            "work_mem",
            "effective_cache_size",
            "random_page_cost",
            "max_parallel_workers_per_gather",
            "jit")) {
      parts.add(s + "=" + value(c, "SELECT current_setting('" + s + "')"));
    }
    parts.add("jit available=" + value(c, "SELECT pg_jit_available()"));
    return String.join(", ", parts);
  }

  // ---------------------------------------------------------------------------------------------
  // The data

  private static void generate(Connection c, Options o) throws SQLException {
    long sessions = o.sessions;
    long visitors = Math.max(1, Math.round(sessions * 0.4));
    long start = System.nanoTime();
    exec(c, "SET work_mem = '1GB'");
    exec(c, "SET maintenance_work_mem = '1GB'");
    exec(c, HASH_FUNCTION);
    exec(
        c,
        "CREATE TABLE bench_variant (idx int PRIMARY KEY, weight int, channel text, source text,"
            + " medium text, campaign text, referrer_host text)");
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < VARIANTS.size(); i++) {
      Variant v = VARIANTS.get(i);
      rows.add(
          String.format(
              Locale.ROOT,
              "(%d, %d, %s, %s, %s, %s, %s)",
              i,
              v.weight(),
              literal(v.channel()),
              literal(v.source()),
              literal(v.medium()),
              literal(v.campaign()),
              literal(v.referrerHost())));
    }
    exec(c, "INSERT INTO bench_variant VALUES " + String.join(", ", rows));
    exec(
        c,
        "CREATE TABLE bench_slot AS SELECT (row_number() OVER (ORDER BY idx, n) - 1)::int AS slot,"
            + " idx FROM bench_variant, generate_series(1, weight) n");
    long slots = count(c, "SELECT count(*) FROM bench_slot");
    if (slots != 100) {
      throw new IllegalStateException("the variants' weights must add up to 100, not " + slots);
    }
    exec(c, WEIGHTS);

    // Bulk load without the indexes: drop them, and re-create them from their definitions after.
    List<String[]> indexes = new ArrayList<>(); // table, name, constraint?, definition
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT t.relname, i.indexrelid::regclass::text, con.conname,"
                    + " coalesce(pg_get_constraintdef(con.oid), pg_get_indexdef(i.indexrelid))"
                    + " FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid"
                    + " LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid"
                    + " AND con.conrelid = t.oid"
                    + " WHERE t.relnamespace = 'public'::regnamespace"
                    + " AND t.relname IN ('sessions', 'payments', 'revenue_ledger')"
                    + " ORDER BY 1, 2")) {
      while (rs.next()) {
        indexes.add(
            new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
      }
    }
    for (String[] ix : indexes) {
      exec(
          c,
          ix[2] != null
              ? "ALTER TABLE " + ix[0] + " DROP CONSTRAINT " + ix[2]
              : "DROP INDEX " + ix[1]);
    }

    // the position trigger (V6) would book the credits set below once more, and the first
    // payments (V10) are rebuilt in one pass after the load
    exec(c, "ALTER TABLE payments DISABLE TRIGGER USER");
    step(
        c,
        "site settings, FX rates, campaign spend",
        REFERENCE_DATA.replace("{V}", Long.toString(visitors)));
    step(
        c,
        String.format(Locale.ROOT, "%,d sessions of %,d visitors", sessions, visitors),
        fill(SESSIONS, sessions, visitors, 0, 0));

    // As many payments as make the journal's target size: count a first tenth's journal rows.
    long probe = Math.max(1, o.ledgerRows / 10);
    long probeRows;
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                LEDGER_ROWS.replace(
                    "{SELECT}", fill(PAYMENTS_SELECT, sessions, visitors, 1, probe)))) {
      rs.next();
      probeRows = rs.getLong(2);
    }
    long payments = Math.max(1, Math.round((double) probe * o.ledgerRows / probeRows));
    step(
        c,
        String.format(
            Locale.ROOT,
            "%,d payments (%.2f journal rows each)",
            payments,
            (double) probeRows / probe),
        fill(PAYMENTS, sessions, visitors, 0, 0)
            .replace("{SELECT}", fill(PAYMENTS_SELECT, sessions, visitors, 1, payments)));
    step(c, "journal (revenue_ledger)", fill(LEDGER, sessions, visitors, 0, 0));
    step(
        c,
        "payments' positions (payments.credits) from the journal",
        WarehouseRows.resource("/warehouse/positions-from-journal.sql"));
    exec(c, "ALTER TABLE payments ENABLE TRIGGER USER");

    long t = System.nanoTime();
    for (String[] ix : indexes) {
      long t1 = System.nanoTime();
      exec(
          c,
          ix[2] != null
              ? "ALTER TABLE " + ix[0] + " ADD CONSTRAINT " + ix[2] + " " + ix[3]
              : ix[3]);
      System.out.printf(
          Locale.ROOT,
          "  index %-40s %6.1f s  %s%n",
          ix[1],
          (System.nanoTime() - t1) / 1e9,
          ix[2] != null ? ix[3] : ix[3].replaceFirst("^.* USING ", "USING "));
    }
    System.out.printf(
        Locale.ROOT,
        "indexes re-created in %.1f s (they were dropped for the bulk load)%n",
        (System.nanoTime() - t) / 1e9);
    t = System.nanoTime();
    long customers = ((Number) value(c, "SELECT rebuild_customer_firsts()")).longValue();
    System.out.printf(
        Locale.ROOT,
        "each customer's first payment (customer_firsts): %,d customers in %.1f s%n",
        customers,
        (System.nanoTime() - t) / 1e9);
    exec(c, "DROP TABLE bench_weight, bench_slot, bench_variant");
    exec(c, "DROP FUNCTION bench_u(bigint, bigint)");
    t = System.nanoTime();
    exec(c, "VACUUM ANALYZE");
    exec(c, "CHECKPOINT");
    System.out.printf(
        Locale.ROOT, "VACUUM ANALYZE + CHECKPOINT in %.1f s%n", (System.nanoTime() - t) / 1e9);
    System.out.printf(
        Locale.ROOT, "generation took %.1f s in all%n", (System.nanoTime() - start) / 1e9);
  }

  private static String fill(String sql, long sessions, long visitors, long lo, long hi) {
    return sql.replace("{S}", Long.toString(sessions))
        .replace("{V}", Long.toString(visitors))
        .replace("{LO}", Long.toString(lo))
        .replace("{HI}", Long.toString(hi));
  }

  private static void step(Connection c, String what, String sql) throws SQLException {
    long t = System.nanoTime();
    long n = 0;
    try (Statement st = c.createStatement()) {
      st.execute(sql);
      // a script of several statements: add up their rows
      while (true) {
        int count = st.getUpdateCount();
        if (count >= 0) {
          n += count;
        }
        if (!st.getMoreResults() && st.getUpdateCount() == -1) {
          break;
        }
      }
    }
    System.out.printf(
        Locale.ROOT, "generated %s: %,d rows in %.1f s%n", what, n, (System.nanoTime() - t) / 1e9);
  }

  private static void sizes(Connection c) throws SQLException {
    System.out.println();
    System.out.println("| table | rows | table MB | indexes MB | total MB |");
    System.out.println("|---|---|---|---|---|");
    for (String table :
        List.of(
            "revenue_ledger",
            "payments",
            "customer_firsts",
            "sessions",
            "campaign_spend",
            "fx_rates")) {
      long rows = ((Number) value(c, "SELECT count(*) FROM " + table)).longValue();
      try (Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT pg_table_size('"
                      + table
                      + "'), pg_indexes_size('"
                      + table
                      + "'), pg_total_relation_size('"
                      + table
                      + "')")) {
        rs.next();
        System.out.printf(
            Locale.ROOT,
            "| %s | %,d | %,.0f | %,.0f | %,.0f |%n",
            table,
            rows,
            rs.getLong(1) / 1e6,
            rs.getLong(2) / 1e6,
            rs.getLong(3) / 1e6);
      }
    }
    System.out.println();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid)"
                    + " FROM pg_index WHERE indrelid = 'revenue_ledger'::regclass ORDER BY 1")) {
      List<String> parts = new ArrayList<>();
      while (rs.next()) {
        parts.add(String.format(Locale.ROOT, "%s %,.0f MB", rs.getString(1), rs.getLong(2) / 1e6));
      }
      System.out.println("journal indexes: " + String.join(", ", parts));
    }
    String linear30 =
        "SELECT count(*) FROM revenue_ledger WHERE site_id = 'bench' AND model = 'linear'"
            + " AND payment_at >= '"
            + RANGE_FROM
            + "' AND payment_at < '"
            + RANGE_TO
            + "'";
    System.out.printf(
        Locale.ROOT,
        "data: %,d visitors; payments by currency %s, by method %s, %,d live, %,d renewals, %,d"
            + " refunded; journal by entry type %s; %,d journal rows of model linear paid in the"
            + " 30 days%n",
        count(c, "SELECT count(DISTINCT visitor_id) FROM sessions"),
        counts(c, "SELECT currency, count(*) FROM payments GROUP BY 1 ORDER BY 2 DESC"),
        counts(c, "SELECT method, count(*) FROM payments GROUP BY 1 ORDER BY 2 DESC"),
        count(c, "SELECT count(*) FROM payments WHERE livemode"),
        count(c, "SELECT count(*) FROM payments WHERE renewal"),
        count(c, "SELECT count(*) FROM payments WHERE refunded_minor > 0"),
        counts(c, "SELECT entry_type, count(*) FROM revenue_ledger GROUP BY 1 ORDER BY 2 DESC"),
        count(c, linear30));
    // the generated journal holds together: per payment and model, the credits sum to the amount
    // and the refund entries to the refunded part (checked on the first 10,000 payments)
    System.out.printf(
        Locale.ROOT,
        "journal check (payments 1 … 10,000, every model): %,d of %,d (payment, model) pairs"
            + " whose credits do not sum to the amount or whose refunds do not sum to the refunded"
            + " part%n",
        count(
            c,
            "SELECT count(*) FILTER (WHERE x.credit IS DISTINCT FROM p.amount_minor"
                + " OR x.refund <> p.refunded_minor) FROM payments p JOIN LATERAL ("
                + "SELECT l.model, sum(l.amount_minor) FILTER (WHERE l.entry_type = 'payment')"
                + " AS credit, coalesce(-sum(l.amount_minor) FILTER (WHERE l.entry_type ="
                + " 'refund'), 0) AS refund FROM revenue_ledger l WHERE l.payment_key ="
                + " p.payment_key AND l.provider = p.provider AND l.site_id = p.site_id"
                + " GROUP BY l.model) x ON true WHERE substr(p.event_id, 5)::bigint <= 10000"),
        count(
            c,
            "SELECT count(*) FROM payments p JOIN LATERAL (SELECT DISTINCT l.model FROM"
                + " revenue_ledger l WHERE l.payment_key = p.payment_key AND l.provider ="
                + " p.provider AND l.site_id = p.site_id) x ON true"
                + " WHERE substr(p.event_id, 5)::bigint <= 10000"));
  }

  private static long count(Connection c, String sql) throws SQLException {
    return ((Number) value(c, sql)).longValue();
  }

  /** "name n, name n" of a query of (name, count) rows. */
  private static String counts(Connection c, String sql) throws SQLException {
    List<String> parts = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        parts.add(String.format(Locale.ROOT, "%s %,d", rs.getString(1).trim(), rs.getLong(2)));
      }
    }
    return String.join(", ", parts);
  }

  // ---------------------------------------------------------------------------------------------
  // The timings

  /** Times of one query: the timed runs in ms (empty after an error), rows of the last run. */
  record Timing(double[] ms, long rows, String error) {
    double median() {
      if (ms.length == 0) {
        return Double.NaN;
      }
      double[] s = ms.clone();
      Arrays.sort(s);
      return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    double max() {
      return Arrays.stream(ms).max().orElse(Double.NaN);
    }

    boolean failed() {
      return error != null;
    }
  }

  private static Timing time(Connection c, String sql, int warmups, int runs) {
    double[] ms = new double[runs];
    long rows = 0;
    try {
      for (int r = -warmups; r < runs; r++) {
        long t = System.nanoTime();
        rows = 0;
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery(sql)) {
          while (rs.next()) {
            rows++;
          }
        }
        if (r >= 0) {
          ms[r] = (System.nanoTime() - t) / 1e6;
        }
      }
      return new Timing(ms, rows, null);
    } catch (SQLException e) {
      return new Timing(new double[0], 0, oneLine(e.getMessage()));
    }
  }

  private static void measure(EmbeddedWarehouse w, Connection c, Options o) throws Exception {
    CpuMeter cpu = CpuMeter.of(w);
    System.out.println();
    Timing scan =
        time(c, "SELECT count(*), sum(amount_minor) FROM revenue_ledger", o.warmups, o.runs);
    System.out.printf(
        Locale.ROOT,
        "full scan of the journal (SELECT count(*), sum(amount_minor) FROM revenue_ledger):"
            + " median %s ms, max %s ms%s%n",
        ms(scan.median()),
        ms(scan.max()),
        scan.failed() ? " (" + scan.error() + ")" : "");

    JsonNode dashboard = GrafanaPanels.dashboard();
    GrafanaPanels month = new GrafanaPanels(VARIABLES, RANGE_FROM, RANGE_TO);
    GrafanaPanels all = new GrafanaPanels(VARIABLES, ALL_FROM, ALL_TO);
    Map<String, String> panels30 = month.queries(dashboard);
    Map<String, String> panelsAll = all.queries(dashboard);

    // the dashboard's template variables: Grafana runs their queries on every load
    System.out.println();
    System.out.println("Template variables (queried on every dashboard load):");
    System.out.println();
    System.out.println("| variable | median ms | max ms | rows |");
    System.out.println("|---|---|---|---|");
    for (JsonNode v : dashboard.path("templating").path("list")) {
      if (!"query".equals(v.path("type").asText())) {
        continue;
      }
      String q = v.path("query").isTextual() ? v.path("query").asText() : "";
      if (q.isEmpty()) {
        q = v.path("query").path("rawSql").asText(v.path("definition").asText());
      }
      Timing t = time(c, month.substitute(q), o.warmups, o.runs);
      System.out.printf(
          Locale.ROOT,
          "| $%s | %s | %s | %s |%n",
          v.path("name").asText(),
          t.failed() ? "error" : ms(t.median()),
          t.failed() ? "" : ms(t.max()),
          t.failed() ? t.error() : String.format(Locale.ROOT, "%,d", t.rows()));
    }

    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "Panels (%s): %s … %s and full history %s … %s; variables %s%n",
        GrafanaPanels.DASHBOARD.normalize(),
        RANGE_FROM,
        RANGE_TO,
        ALL_FROM,
        ALL_TO,
        new java.util.TreeMap<>(VARIABLES));
    Map<String, Timing> month30 = new LinkedHashMap<>();
    Map<String, Timing> history = new LinkedHashMap<>();
    // PostgreSQL's CPU over the 30-day timings: near one core when no other process took the CPU
    // from the query (more with parallel workers); the load average says how busy the machine was
    String loadBefore = loadAverage();
    double cpuBefore = cpu.postgresSeconds();
    long wallBefore = System.nanoTime();
    for (Map.Entry<String, String> p : panels30.entrySet()) {
      System.err.printf(Locale.ROOT, "  timing panel %s (30 days)...%n", p.getKey());
      month30.put(p.getKey(), time(c, p.getValue(), o.warmups, o.runs));
    }
    double cpuSeconds = cpu.postgresSeconds() - cpuBefore;
    double wallSeconds = (System.nanoTime() - wallBefore) / 1e9;
    String loadAfter = loadAverage();
    for (String title : panels30.keySet()) {
      System.err.printf(Locale.ROOT, "  timing panel %s (full history)...%n", title);
      // the same panel over every row (its title does not depend on the range)
      String full = panelsAll.get(title);
      history.put(
          title,
          full == null
              ? new Timing(new double[0], 0, "no such panel over the full range")
              : time(c, full, o.warmups, o.historyRuns));
    }
    System.out.printf(
        Locale.ROOT,
        "during the 30-day panel timings: PostgreSQL used %.1f s of CPU in %.1f s = %.0f %% of one"
            + " core; load average %s before, %s after (other processes compete for the 2 cores"
            + " when the share is well under 100 %% and the load is over 1)%n",
        cpuSeconds,
        wallSeconds,
        100 * cpuSeconds / wallSeconds,
        loadBefore,
        loadAfter);
    System.out.println();
    System.out.println(
        "| panel | 30 days median ms | 30 days max ms | full history median ms | full history"
            + " max ms | rows (30 days / full) | < 1 s |");
    System.out.println("|---|---|---|---|---|---|---|");
    List<String> missed = new ArrayList<>();
    String slowest = null;
    for (String title : month30.keySet()) {
      Timing m = month30.get(title);
      Timing h = history.get(title);
      boolean ok = !m.failed() && m.median() < GOAL_MS;
      if (!ok) {
        missed.add(title + (m.failed() ? " (error)" : " (" + ms(m.median()) + " ms)"));
      }
      if (!m.failed() && (slowest == null || m.median() > month30.get(slowest).median())) {
        slowest = title;
      }
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %s | %s | %s | %s / %s | %s |%n",
          title,
          m.failed() ? "error" : ms(m.median()),
          m.failed() ? "" : ms(m.max()),
          h.failed() ? "error" : ms(h.median()),
          h.failed() ? "" : ms(h.max()),
          m.failed() ? "–" : String.format(Locale.ROOT, "%,d", m.rows()),
          h.failed() ? "–" : String.format(Locale.ROOT, "%,d", h.rows()),
          m.failed() ? "ERROR" : ok ? "yes" : "NO");
    }
    for (String title : month30.keySet()) {
      if (month30.get(title).failed()) {
        System.out.printf("error in panel %s (30 days): %s%n", title, month30.get(title).error());
      }
      if (history.get(title).failed()) {
        System.out.printf(
            "error in panel %s (full history): %s%n", title, history.get(title).error());
      }
    }

    // the period functions called directly, beside the all-time views they replace
    System.out.println();
    System.out.println(
        "Period functions (R__periods.sql) called directly, model linear, live, basis payment,"
            + " beside the all-time view each replaces (SELECT * FROM view WHERE site_id = 'bench'"
            + " AND model = 'linear' AND livemode …; the time series views filtered to the 30"
            + " days' buckets, as the old panels did):");
    Map<String, String> f30 = functions(RANGE_FROM, RANGE_TO);
    Map<String, String> fAll = functions(ALL_FROM, ALL_TO);
    Map<String, String> views = views();
    System.out.println();
    System.out.println(
        "| question | function, 30 days median ms | function, full history median ms | rows (30"
            + " days / full) | all-time view median ms (before) | view rows |");
    System.out.println("|---|---|---|---|---|---|");
    List<String> errors = new ArrayList<>();
    for (String q : f30.keySet()) {
      System.err.printf(Locale.ROOT, "  timing %s...%n", q);
      Timing a = time(c, f30.get(q), o.warmups, o.runs);
      Timing b = time(c, fAll.get(q), o.warmups, o.historyRuns);
      Timing v =
          views.containsKey(q) && o.baselineRuns > 0
              ? time(c, views.get(q), 0, o.baselineRuns)
              : null;
      for (Object[] e :
          new Object[][] {{"function, 30 days", a}, {"function, full history", b}, {"view", v}}) {
        Timing t = (Timing) e[1];
        if (t != null && t.failed()) {
          errors.add(q + " (" + e[0] + "): " + t.error());
        }
      }
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %s | %s / %s | %s | %s |%n",
          q,
          a.failed() ? "error" : ms(a.median()),
          b.failed() ? "error" : ms(b.median()),
          a.failed() ? "–" : String.format(Locale.ROOT, "%,d", a.rows()),
          b.failed() ? "–" : String.format(Locale.ROOT, "%,d", b.rows()),
          v == null
              ? (views.containsKey(q) ? "(not run)" : "(no view)")
              : v.failed() ? "error" : ms(v.median()),
          v == null || v.failed() ? "–" : String.format(Locale.ROOT, "%,d", v.rows()));
    }
    errors.forEach(e -> System.out.println("error in " + e));

    // queries to try beside the panels (a rewrite of a slow one, say), from --queries
    Map<String, String> tried = new LinkedHashMap<>();
    if (o.queries != null) {
      String name = null;
      StringBuilder sql = new StringBuilder();
      List<String> lines = new ArrayList<>(java.nio.file.Files.readAllLines(o.queries));
      lines.add("-- name: (end)");
      for (String line : lines) {
        if (line.startsWith("-- name:")) {
          if (name != null && !sql.toString().isBlank()) {
            tried.put(name, sql.toString());
          }
          name = line.substring("-- name:".length()).trim();
          sql.setLength(0);
        } else {
          sql.append(line).append('\n');
        }
      }
      System.out.println();
      System.out.println("Queries of " + o.queries + ":");
      System.out.println();
      System.out.println(
          "| query | 30 days median ms | 30 days max ms | full history median ms | rows (30 days /"
              + " full) |");
      System.out.println("|---|---|---|---|---|");
      for (Map.Entry<String, String> q : tried.entrySet()) {
        if (q.getKey().startsWith("show")) {
          // a look at the warehouse (statistics, settings): its rows, not its time
          try (Statement st = c.createStatement();
              ResultSet rs = st.executeQuery(month.substitute(q.getValue()))) {
            List<String> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next() && rows.size() < 50) {
              List<String> cells = new ArrayList<>();
              for (int i = 1; i <= n; i++) {
                cells.add(rs.getMetaData().getColumnLabel(i) + "=" + rs.getString(i));
              }
              rows.add(String.join(" ", cells));
            }
            System.out.printf(
                Locale.ROOT, "| %s | %s | | | |%n", q.getKey(), String.join("; ", rows));
          } catch (SQLException e) {
            System.out.printf("| %s | error: %s | | | |%n", q.getKey(), oneLine(e.getMessage()));
          }
          continue;
        }
        if (q.getKey().startsWith("setup")) {
          long t = System.nanoTime();
          try {
            exec(c, month.substitute(q.getValue()));
            System.out.printf(
                Locale.ROOT,
                "| %s | done in %s ms | | | |%n",
                q.getKey(),
                ms((System.nanoTime() - t) / 1e6));
          } catch (SQLException e) {
            System.out.printf("| %s | error: %s | | | |%n", q.getKey(), oneLine(e.getMessage()));
          }
          continue;
        }
        System.err.printf(Locale.ROOT, "  timing %s...%n", q.getKey());
        Timing a = time(c, month.substitute(q.getValue()), o.warmups, o.runs);
        Timing b = time(c, all.substitute(q.getValue()), o.warmups, o.historyRuns);
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | %s | %s | %s / %s |%n",
            q.getKey(),
            a.failed() ? "error: " + a.error() : ms(a.median()),
            a.failed() ? "" : ms(a.max()),
            b.failed() ? "error: " + b.error() : ms(b.median()),
            a.failed() ? "–" : String.format(Locale.ROOT, "%,d", a.rows()),
            b.failed() ? "–" : String.format(Locale.ROOT, "%,d", b.rows()));
      }
    }

    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "goal: every panel's 30-day query < %,.0f ms (median of %d runs), %,d journal rows: %s%s%n",
        GOAL_MS,
        o.runs,
        count(c, "SELECT count(*) FROM revenue_ledger"),
        missed.isEmpty() && !month30.isEmpty() ? "MET" : "MISSED",
        missed.isEmpty()
            ? (month30.isEmpty() ? " (no panels)" : "")
            : " (" + String.join("; ", missed) + ")");

    // where the time goes
    List<String> explain = new ArrayList<>();
    if (slowest != null) {
      explain.add(slowest);
    }
    for (String title : month30.keySet()) {
      Timing m = month30.get(title);
      if (!m.failed() && m.median() >= GOAL_MS && !explain.contains(title)) {
        explain.add(title);
      }
    }
    Map<String, String> plans = new LinkedHashMap<>();
    for (String title : explain) {
      plans.put(title, panels30.get(title));
    }
    tried.forEach(
        (name, sql) -> {
          if (!name.startsWith("setup") && !name.startsWith("show")) {
            plans.put(name, month.substitute(sql));
          }
        });
    for (Map.Entry<String, String> plan : plans.entrySet()) {
      String title = plan.getKey();
      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "EXPLAIN (ANALYZE, BUFFERS) of %s '%s' (30 days%s):%n",
          title.equals(slowest)
              ? "the slowest panel"
              : month30.containsKey(title) ? "the over-goal panel" : "the query",
          title,
          month30.containsKey(title) ? ", median " + ms(month30.get(title).median()) + " ms" : "");
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + plan.getValue())) {
        while (rs.next()) {
          System.out.println("  " + rs.getString(1));
        }
      } catch (SQLException e) {
        System.out.println("  error: " + oneLine(e.getMessage()));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** The 1, 5 and 15 minute load averages (Linux), or "?". */
  private static String loadAverage() {
    try {
      String[] f =
          java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
      return f[0] + " / " + f[1] + " / " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "?";
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static Object value(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getObject(1);
    }
  }

  private static String literal(String s) {
    return s == null ? "NULL" : "'" + s.replace("'", "''") + "'";
  }

  private static String oneLine(String s) {
    return s == null ? "?" : s.replaceAll("\\s+", " ").trim();
  }

  /** Milliseconds with thousands separators; two decimals under 10 ms, one under 100. */
  static String ms(double ms) {
    if (Double.isNaN(ms)) {
      return "–";
    }
    return ms < 10
        ? String.format(Locale.ROOT, "%.2f", ms)
        : ms < 100
            ? String.format(Locale.ROOT, "%.1f", ms)
            : String.format(Locale.ROOT, "%,.0f", ms);
  }

  /** Command-line options. */
  record Options(
      long ledgerRows,
      long sessions,
      int runs,
      int historyRuns,
      int warmups,
      int baselineRuns,
      int timeoutSeconds,
      Map<String, String> settings,
      java.nio.file.Path queries) {
    static Options parse(String[] args) {
      long ledger = 10_000_000;
      long sessions = 1_000_000;
      int runs = 5;
      int historyRuns = -1; // as --runs
      int warmups = 1;
      java.nio.file.Path queries = null;
      int baseline = 1;
      int timeout = 600;
      Map<String, String> settings = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i += 2) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + args[i] + " needs a value");
        }
        String v = args[i + 1];
        switch (args[i]) {
          case "--ledger-rows" -> ledger = Long.parseLong(v.replace("_", "").replace(",", ""));
          case "--sessions" -> sessions = Long.parseLong(v.replace("_", "").replace(",", ""));
          case "--runs" -> runs = Integer.parseInt(v);
          case "--history-runs" -> historyRuns = Integer.parseInt(v);
          case "--queries" -> queries = java.nio.file.Path.of(v);
          case "--warmups" -> warmups = Integer.parseInt(v);
          case "--baseline-runs" -> baseline = Integer.parseInt(v);
          case "--timeout-seconds" -> timeout = Integer.parseInt(v);
          case "--set" -> {
            if (!v.matches("[a-z_.]+=[^']*")) {
              throw new IllegalArgumentException("--set takes name=value, not " + v);
            }
            settings.put(v.substring(0, v.indexOf('=')), v.substring(v.indexOf('=') + 1));
          }
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (runs < 1 || sessions < 10 || ledger < 100) {
        throw new IllegalArgumentException("--runs >= 1, --sessions >= 10, --ledger-rows >= 100");
      }
      return new Options(
          ledger,
          sessions,
          runs,
          historyRuns < 1 ? runs : historyRuns,
          warmups,
          baseline,
          timeout,
          settings,
          queries);
    }
  }
}
