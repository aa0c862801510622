-- Every dashboard question for a period: set-returning functions that take the range as
-- arguments and read only its rows (issue #18). The views beside this file answer over all
-- recorded history; these answer "last month", "this quarter", any [p_from, p_to).
--
-- Common arguments, in this order:
--   p_site        the site
--   p_model       the attribution model (not for the payment-level questions)
--   p_livemode    true for live money, false for test mode
--   p_from, p_to  the range, half-open: p_from <= t < p_to (defaults: all history). Grafana's
--                 $__timeFrom() and $__timeTo() fit as they are.
--   p_basis       which time of a journal entry falls in the range:
--                 'payment' (the default): when the money moved (payment_at). A payment made in the
--                   range counts with everything that has happened to it since: refunded later, it
--                   is net of its refund, so a past period can still go down; re-attributed later,
--                   it counts on its new channel.
--                 'booking': when the entry was booked (booked_at). Payments count in the period
--                   the job booked them, refunds and re-attributions in the period they happened,
--                   whichever payment they belong to; a closed period never changes (what an
--                   accountant expects). A payment is booked when the job settles it, seconds after
--                   it was made, so around midnight the two bases can put it on different days.
-- Amounts: exact minor units (bigint) with their exponent, decimals rounded to the exponent, and
-- converted sums in the site's reporting currency (site_settings; default USD, days in UTC) at the
-- rate of each payment's day, 6 decimals, NULL with fx_missing when a rate is missing.
-- Every function is plain SQL with a single query, so PostgreSQL inlines it into the caller's
-- query and plans it with the caller's constants: the range reaches the indexes
-- (revenue_ledger by site, model and payment_at or booked_at; sessions by site and started_at).

-- Flyway re-creates this file whenever it changes, and also at the end of a migration stopped at an
-- earlier version (the tests prepare old schemas that way): bodies are checked when a function is
-- first called, not here, so a schema before V9 (no payments.customer yet) still migrates.
SET check_function_bodies = false;

DROP FUNCTION IF EXISTS revenue_over_time_between(text, text, boolean, timestamptz, timestamptz, text, text);
DROP FUNCTION IF EXISTS revenue_by_channel_between(text, text, boolean, timestamptz, timestamptz, text);
DROP FUNCTION IF EXISTS revenue_by_source_between(text, text, boolean, timestamptz, timestamptz, text);
DROP FUNCTION IF EXISTS revenue_by_campaign_between(text, text, boolean, timestamptz, timestamptz, text);
DROP FUNCTION IF EXISTS conversion_by_channel_between(text, text, boolean, timestamptz, timestamptz, text);
DROP FUNCTION IF EXISTS aov_by_channel_between(text, text, boolean, timestamptz, timestamptz, text);
DROP FUNCTION IF EXISTS campaign_roi_by_currency_between(text, text, boolean, timestamptz, timestamptz, text);
DROP FUNCTION IF EXISTS campaign_roi_between(text, text, boolean, timestamptz, timestamptz, text);
DROP FUNCTION IF EXISTS attribution_quality_between(text, boolean, timestamptz, timestamptz, text);
DROP FUNCTION IF EXISTS revenue_new_vs_renewal_between(text, boolean, timestamptz, timestamptz, text, text);
DROP FUNCTION IF EXISTS ltv_by_acquisition_channel(text, boolean, timestamptz, timestamptz);
DROP FUNCTION IF EXISTS payments_between(text, boolean, timestamptz, timestamptz, text);
DROP FUNCTION IF EXISTS ledger_between(text, text, boolean, timestamptz, timestamptz, text);
DROP FUNCTION IF EXISTS period_spend(text, timestamptz, timestamptz);
DROP FUNCTION IF EXISTS site_reporting(text);

-- The checks run once, when the caller's query is planned (IMMUTABLE with a constant argument):
-- a misspelt basis or granularity is an error, not an empty answer.
CREATE OR REPLACE FUNCTION period_basis(basis text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF basis IS NULL OR basis NOT IN ('payment', 'booking') THEN
        RAISE EXCEPTION 'basis must be ''payment'' or ''booking'', not %', coalesce(basis, 'NULL');
    END IF;
    RETURN basis;
END
$$;

CREATE OR REPLACE FUNCTION period_granularity(granularity text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF granularity IS NULL OR granularity NOT IN ('day', 'week', 'month') THEN
        RAISE EXCEPTION 'granularity must be ''day'', ''week'' or ''month'', not %',
            coalesce(granularity, 'NULL');
    END IF;
    RETURN granularity;
END
$$;

-- Minor units as a decimal amount, rounded to the currency's exponent.
CREATE OR REPLACE FUNCTION minor_amount(minor numeric, exponent smallint) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT round(minor / (10 ^ exponent)::numeric, exponent)
$$;

-- A site's reporting currency and time zone (USD and UTC without settings): always one row.
CREATE FUNCTION site_reporting(p_site text)
RETURNS TABLE (reporting_currency char(3), time_zone text)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(max(s.reporting_currency), 'USD'), coalesce(max(s.time_zone), 'UTC')
    FROM site_settings s WHERE s.site_id = p_site
$$;

-- The journal entries of one site, model and mode whose payment_at ('payment') or booked_at
-- ('booking') falls in [p_from, p_to). The branch of the other basis is planned away.
CREATE FUNCTION ledger_between(p_site text, p_model text, p_livemode boolean,
                               p_from timestamptz, p_to timestamptz, p_basis text)
RETURNS SETOF revenue_ledger
LANGUAGE sql STABLE AS $$
    SELECT l.* FROM revenue_ledger l
    WHERE period_basis(p_basis) = 'payment'
      AND l.site_id = p_site AND l.model = p_model AND l.livemode = p_livemode
      AND l.payment_at >= p_from AND l.payment_at < p_to
    UNION ALL
    SELECT l.* FROM revenue_ledger l
    WHERE period_basis(p_basis) = 'booking'
      AND l.site_id = p_site AND l.model = p_model AND l.livemode = p_livemode
      AND l.booked_at >= p_from AND l.booked_at < p_to
$$;

-- Revenue per time bucket in the range: revenue_over_time for a period. Buckets are days, ISO
-- weeks or months in the site's time zone, by the basis's time; the first and last bucket hold
-- only the part of them inside the range. payments: payments whose 'payment' entries (their
-- first booking) fall in the bucket.
--   SELECT bucket, sum(net_reporting) FROM revenue_over_time_between('demo', 'last_touch', true,
--       '2026-03-01', '2026-04-01', 'payment', 'day') GROUP BY bucket ORDER BY bucket;
CREATE FUNCTION revenue_over_time_between(p_site text, p_model text, p_livemode boolean,
        p_from timestamptz DEFAULT '-infinity', p_to timestamptz DEFAULT 'infinity',
        p_basis text DEFAULT 'payment', p_granularity text DEFAULT 'day')
RETURNS TABLE (bucket date, currency char(3), currency_exponent smallint, payments bigint,
               gross_minor bigint, refunds_minor bigint, net_minor bigint,
               gross_amount numeric, refunds_amount numeric, net_amount numeric,
               reporting_currency char(3), gross_reporting numeric, refunds_reporting numeric,
               net_reporting numeric, fx_missing boolean)
LANGUAGE sql STABLE AS $$
    WITH daily AS (
        SELECT date_trunc(period_granularity(p_granularity),
                   CASE WHEN p_basis = 'payment' THEN l.payment_at ELSE l.booked_at END
                   AT TIME ZONE s.time_zone)::date                                    AS bucket,
               l.currency, l.currency_exponent, s.reporting_currency,
               (l.payment_at AT TIME ZONE s.time_zone)::date                          AS payment_day,
               count(DISTINCT (l.provider, l.payment_key))
                   FILTER (WHERE l.entry_type = 'payment')                            AS payments,
               coalesce(sum(l.amount_minor) FILTER (WHERE l.entry_type <> 'refund'), 0) AS gross_minor,
               coalesce(-sum(l.amount_minor) FILTER (WHERE l.entry_type = 'refund'), 0) AS refunds_minor
        FROM ledger_between(p_site, p_model, p_livemode, p_from, p_to, p_basis) l
        CROSS JOIN site_reporting(p_site) s
        GROUP BY 1, 2, 3, 4, 5
    ),
    converted AS (
        SELECT d.*, fx_rate(d.currency, d.reporting_currency, d.payment_day) AS rate,
               (10 ^ d.currency_exponent)::numeric                            AS unit
        FROM daily d
    )
    SELECT bucket, currency, currency_exponent,
           sum(payments)::bigint, sum(gross_minor)::bigint, sum(refunds_minor)::bigint,
           (sum(gross_minor) - sum(refunds_minor))::bigint,
           minor_amount(sum(gross_minor), currency_exponent),
           minor_amount(sum(refunds_minor), currency_exponent),
           minor_amount(sum(gross_minor) - sum(refunds_minor), currency_exponent),
           reporting_currency,
           CASE WHEN bool_and(rate IS NOT NULL) THEN round(sum(gross_minor / unit * rate), 6) END,
           CASE WHEN bool_and(rate IS NOT NULL) THEN round(sum(refunds_minor / unit * rate), 6) END,
           CASE WHEN bool_and(rate IS NOT NULL)
                THEN round(sum((gross_minor - refunds_minor) / unit * rate), 6) END,
           bool_or(rate IS NULL)
    FROM converted
    GROUP BY bucket, currency, currency_exponent, reporting_currency
$$;

-- Revenue by channel in the range: revenue_by_channel for a period. payments: payments whose net
-- on the channel in the range is > 0; gross: credits and corrections; refunds: retractions as a
-- positive number; net = gross - refunds.
--   SELECT channel, payments, net_amount FROM revenue_by_channel_between('demo', 'last_touch',
--       true, '2026-03-01', '2026-04-01') WHERE currency = 'USD' ORDER BY net_minor DESC;
CREATE FUNCTION revenue_by_channel_between(p_site text, p_model text, p_livemode boolean,
        p_from timestamptz DEFAULT '-infinity', p_to timestamptz DEFAULT 'infinity',
        p_basis text DEFAULT 'payment')
RETURNS TABLE (channel text, currency char(3), currency_exponent smallint, payments bigint,
               gross_minor bigint, refunds_minor bigint, net_minor bigint,
               gross_amount numeric, refunds_amount numeric, net_amount numeric)
LANGUAGE sql STABLE AS $$
    WITH per_payment AS (
        SELECT l.channel, l.currency, l.currency_exponent, l.provider, l.payment_key,
               coalesce(sum(l.amount_minor) FILTER (WHERE l.entry_type <> 'refund'), 0) AS gross_minor,
               coalesce(-sum(l.amount_minor) FILTER (WHERE l.entry_type = 'refund'), 0) AS refunds_minor,
               sum(l.amount_minor)                                                      AS net_minor
        FROM ledger_between(p_site, p_model, p_livemode, p_from, p_to, p_basis) l
        GROUP BY l.channel, l.currency, l.currency_exponent, l.provider, l.payment_key
    )
    SELECT channel, currency, currency_exponent, count(*) FILTER (WHERE net_minor > 0),
           sum(gross_minor)::bigint, sum(refunds_minor)::bigint, sum(net_minor)::bigint,
           minor_amount(sum(gross_minor), currency_exponent),
           minor_amount(sum(refunds_minor), currency_exponent),
           minor_amount(sum(net_minor), currency_exponent)
    FROM per_payment
    GROUP BY channel, currency, currency_exponent
$$;

-- Revenue by source / medium in the range (revenue_by_source for a period); same measures.
CREATE FUNCTION revenue_by_source_between(p_site text, p_model text, p_livemode boolean,
        p_from timestamptz DEFAULT '-infinity', p_to timestamptz DEFAULT 'infinity',
        p_basis text DEFAULT 'payment')
RETURNS TABLE (source text, medium text, currency char(3), currency_exponent smallint,
               payments bigint, gross_minor bigint, refunds_minor bigint, net_minor bigint,
               gross_amount numeric, refunds_amount numeric, net_amount numeric)
LANGUAGE sql STABLE AS $$
    WITH per_payment AS (
        SELECT l.source, l.medium, l.currency, l.currency_exponent, l.provider, l.payment_key,
               coalesce(sum(l.amount_minor) FILTER (WHERE l.entry_type <> 'refund'), 0) AS gross_minor,
               coalesce(-sum(l.amount_minor) FILTER (WHERE l.entry_type = 'refund'), 0) AS refunds_minor,
               sum(l.amount_minor)                                                      AS net_minor
        FROM ledger_between(p_site, p_model, p_livemode, p_from, p_to, p_basis) l
        GROUP BY l.source, l.medium, l.currency, l.currency_exponent, l.provider, l.payment_key
    )
    SELECT source, medium, currency, currency_exponent, count(*) FILTER (WHERE net_minor > 0),
           sum(gross_minor)::bigint, sum(refunds_minor)::bigint, sum(net_minor)::bigint,
           minor_amount(sum(gross_minor), currency_exponent),
           minor_amount(sum(refunds_minor), currency_exponent),
           minor_amount(sum(net_minor), currency_exponent)
    FROM per_payment
    GROUP BY source, medium, currency, currency_exponent
$$;

-- Revenue by campaign (source / medium / campaign as recorded) in the range (revenue_by_campaign
-- for a period); same measures. Money without a campaign is the row with campaign NULL.
CREATE FUNCTION revenue_by_campaign_between(p_site text, p_model text, p_livemode boolean,
        p_from timestamptz DEFAULT '-infinity', p_to timestamptz DEFAULT 'infinity',
        p_basis text DEFAULT 'payment')
RETURNS TABLE (source text, medium text, campaign text, currency char(3),
               currency_exponent smallint, payments bigint, gross_minor bigint,
               refunds_minor bigint, net_minor bigint, gross_amount numeric,
               refunds_amount numeric, net_amount numeric)
LANGUAGE sql STABLE AS $$
    WITH per_payment AS (
        SELECT l.source, l.medium, l.campaign, l.currency, l.currency_exponent, l.provider,
               l.payment_key,
               coalesce(sum(l.amount_minor) FILTER (WHERE l.entry_type <> 'refund'), 0) AS gross_minor,
               coalesce(-sum(l.amount_minor) FILTER (WHERE l.entry_type = 'refund'), 0) AS refunds_minor,
               sum(l.amount_minor)                                                      AS net_minor
        FROM ledger_between(p_site, p_model, p_livemode, p_from, p_to, p_basis) l
        GROUP BY l.source, l.medium, l.campaign, l.currency, l.currency_exponent, l.provider,
                 l.payment_key
    )
    SELECT source, medium, campaign, currency, currency_exponent,
           count(*) FILTER (WHERE net_minor > 0),
           sum(gross_minor)::bigint, sum(refunds_minor)::bigint, sum(net_minor)::bigint,
           minor_amount(sum(gross_minor), currency_exponent),
           minor_amount(sum(refunds_minor), currency_exponent),
           minor_amount(sum(net_minor), currency_exponent)
    FROM per_payment
    GROUP BY source, medium, campaign, currency, currency_exponent
$$;

-- Conversion rate by channel in the range:
--   visitors         distinct visitors with a session on the channel that started in the range
--   paying_visitors  those of them whose own touch on the channel holds net credit > 0 of a
--                    payment in the range (by the basis; with 'payment', made in the range and net
--                    of its refunds so far, so a fully refunded payment does not convert)
--   conversion_rate  paying_visitors / visitors, 6 decimals
-- A visit in March and a payment in April: for March, a visitor who did not convert; for April,
-- not counted at all (no session in April; the payment still counts in April's revenue); for
-- March to April, a visitor who converted. The credited touch may be an earlier session on the
-- same channel. Exact over any range: visitors are counted once, not summed over days.
-- Channels without sessions ('(unattributed)', '(no touch)') are not listed.
CREATE FUNCTION conversion_by_channel_between(p_site text, p_model text, p_livemode boolean,
        p_from timestamptz DEFAULT '-infinity', p_to timestamptz DEFAULT 'infinity',
        p_basis text DEFAULT 'payment')
RETURNS TABLE (channel text, visitors bigint, paying_visitors bigint, conversion_rate numeric)
LANGUAGE sql STABLE AS $$
    WITH visitors AS (
        SELECT DISTINCT s.channel, s.visitor_id
        FROM sessions s
        WHERE s.site_id = p_site AND s.started_at >= p_from AND s.started_at < p_to
    ),
    credited AS (
        SELECT DISTINCT c.channel, c.visitor_id
        FROM (SELECT l.channel, l.visitor_id
              FROM ledger_between(p_site, p_model, p_livemode, p_from, p_to, p_basis) l
              WHERE l.visitor_id IS NOT NULL
              GROUP BY l.channel, l.visitor_id, l.provider, l.payment_key
              HAVING sum(l.amount_minor) > 0) c
    )
    SELECT v.channel, count(*), count(c.visitor_id),
           round(count(c.visitor_id)::numeric / count(*), 6)
    FROM visitors v
    LEFT JOIN credited c ON c.channel = v.channel AND c.visitor_id = v.visitor_id
    GROUP BY v.channel
$$;

-- Average order value by channel in the range (aov_by_channel for a period): a payment counts
-- on a channel when its net there in the range is > 0 and its own net in the range is > 0, as
-- the fraction of it the channel holds.
CREATE FUNCTION aov_by_channel_between(p_site text, p_model text, p_livemode boolean,
        p_from timestamptz DEFAULT '-infinity', p_to timestamptz DEFAULT 'infinity',
        p_basis text DEFAULT 'payment')
RETURNS TABLE (channel text, currency char(3), currency_exponent smallint, payments bigint,
               attributed_orders numeric, net_minor bigint, net_amount numeric,
               aov_amount numeric)
LANGUAGE sql STABLE AS $$
    WITH per_channel AS (
        SELECT l.channel, l.currency, l.currency_exponent, l.provider, l.payment_key,
               sum(l.amount_minor) AS channel_net
        FROM ledger_between(p_site, p_model, p_livemode, p_from, p_to, p_basis) l
        GROUP BY l.channel, l.currency, l.currency_exponent, l.provider, l.payment_key
    ),
    with_total AS (
        SELECT c.*, sum(c.channel_net) OVER (PARTITION BY c.provider, c.payment_key) AS payment_net
        FROM per_channel c
    )
    SELECT channel, currency, currency_exponent, count(*),
           round(sum(channel_net::numeric / payment_net), 6),
           sum(channel_net)::bigint,
           minor_amount(sum(channel_net), currency_exponent),
           round(sum(channel_net)::numeric / sum(channel_net::numeric / payment_net)
                 / (10 ^ currency_exponent)::numeric, 6)
    FROM with_total
    WHERE channel_net > 0 AND payment_net > 0
    GROUP BY channel, currency, currency_exponent
$$;

-- A site's ad spend in a range: the days whose start (midnight in the site's time zone) falls in
-- [p_from, p_to) count in full. Spend is recorded per day, so a range that starts or ends inside
-- a day takes that day's spend in the period where the day starts; whole days (what Grafana's
-- "last month" and "this month so far" give in the site's time zone) are exact.
CREATE FUNCTION period_spend(p_site text, p_from timestamptz, p_to timestamptz)
RETURNS SETOF campaign_spend
LANGUAGE sql STABLE AS $$
    SELECT c.* FROM campaign_spend c CROSS JOIN site_reporting(p_site) s
    WHERE c.site_id = p_site
      AND (c.day::timestamp AT TIME ZONE s.time_zone) >= p_from
      AND (c.day::timestamp AT TIME ZONE s.time_zone) < p_to
$$;

-- Return on ad spend per campaign and currency in the range, without conversion
-- (campaign_roi_by_currency for a period): revenue in the range (by the basis) against the spend
-- of the days in the range (period_spend).
CREATE FUNCTION campaign_roi_by_currency_between(p_site text, p_model text, p_livemode boolean,
        p_from timestamptz DEFAULT '-infinity', p_to timestamptz DEFAULT 'infinity',
        p_basis text DEFAULT 'payment')
RETURNS TABLE (source text, medium text, campaign text, currency char(3),
               currency_exponent smallint, payments bigint, gross_minor bigint,
               refunds_minor bigint, net_minor bigint, net_amount numeric, spend_minor bigint,
               spend_exponent smallint, spend_amount numeric, roas numeric, roi numeric)
LANGUAGE sql STABLE AS $$
    WITH per_payment AS (
        SELECT lower(l.source) AS source, lower(l.medium) AS medium, lower(l.campaign) AS campaign,
               l.currency, l.currency_exponent,
               coalesce(sum(l.amount_minor) FILTER (WHERE l.entry_type <> 'refund'), 0) AS gross_minor,
               coalesce(-sum(l.amount_minor) FILTER (WHERE l.entry_type = 'refund'), 0) AS refunds_minor
        FROM ledger_between(p_site, p_model, p_livemode, p_from, p_to, p_basis) l
        WHERE l.campaign IS NOT NULL
        GROUP BY lower(l.source), lower(l.medium), lower(l.campaign), l.currency,
                 l.currency_exponent, l.provider, l.payment_key
    ),
    revenue AS (
        SELECT source, medium, campaign, currency, currency_exponent,
               count(*) FILTER (WHERE gross_minor - refunds_minor > 0) AS payments,
               sum(gross_minor)::bigint AS gross_minor, sum(refunds_minor)::bigint AS refunds_minor
        FROM per_payment
        GROUP BY source, medium, campaign, currency, currency_exponent
    ),
    spend AS (
        SELECT lower(c.source) AS source, lower(c.medium) AS medium, lower(c.campaign) AS campaign,
               c.currency, c.currency_exponent AS spend_exponent,
               sum(c.amount_minor)::bigint AS spend_minor
        FROM period_spend(p_site, p_from, p_to) c
        GROUP BY lower(c.source), lower(c.medium), lower(c.campaign), c.currency,
                 c.currency_exponent
    ),
    joined AS (
        SELECT source, medium, campaign, currency,
               coalesce(r.currency_exponent, sp.spend_exponent) AS currency_exponent,
               coalesce(r.payments, 0) AS payments,
               coalesce(r.gross_minor, 0) AS gross_minor,
               coalesce(r.refunds_minor, 0) AS refunds_minor,
               sp.spend_minor, sp.spend_exponent
        FROM revenue r
        FULL JOIN spend sp USING (source, medium, campaign, currency)
    ),
    amounts AS (
        SELECT j.*,
               minor_amount(gross_minor - refunds_minor, currency_exponent) AS net_amount,
               minor_amount(spend_minor, spend_exponent)                    AS spend_amount
        FROM joined j
    )
    SELECT source, medium, campaign, currency, currency_exponent, payments, gross_minor,
           refunds_minor, gross_minor - refunds_minor, net_amount, spend_minor, spend_exponent,
           spend_amount,
           CASE WHEN spend_amount > 0 THEN round(net_amount / spend_amount, 6) END,
           CASE WHEN spend_amount > 0 THEN round((net_amount - spend_amount) / spend_amount, 6) END
    FROM amounts
$$;

-- Return on ad spend per campaign in the range, in the site's reporting currency
-- (campaign_roi for a period): revenue in the range, each payment converted at its payment day,
-- against the spend of the days in the range (period_spend), each day at its own rate.
--   roas = net_reporting / spend_reporting, roi = (net - spend) / spend (NULL without spend)
CREATE FUNCTION campaign_roi_between(p_site text, p_model text, p_livemode boolean,
        p_from timestamptz DEFAULT '-infinity', p_to timestamptz DEFAULT 'infinity',
        p_basis text DEFAULT 'payment')
RETURNS TABLE (source text, medium text, campaign text, reporting_currency char(3),
               payments bigint, gross_reporting numeric, refunds_reporting numeric,
               net_reporting numeric, spend_reporting numeric, roas numeric, roi numeric,
               fx_missing boolean)
LANGUAGE sql STABLE AS $$
    WITH revenue_per_payment AS (
        SELECT lower(l.source) AS source, lower(l.medium) AS medium, lower(l.campaign) AS campaign,
               s.reporting_currency, l.currency, l.currency_exponent,
               (l.payment_at AT TIME ZONE s.time_zone)::date AS payment_day,
               coalesce(sum(l.amount_minor) FILTER (WHERE l.entry_type <> 'refund'), 0) AS gross_minor,
               coalesce(-sum(l.amount_minor) FILTER (WHERE l.entry_type = 'refund'), 0) AS refunds_minor
        FROM ledger_between(p_site, p_model, p_livemode, p_from, p_to, p_basis) l
        CROSS JOIN site_reporting(p_site) s
        WHERE l.campaign IS NOT NULL
        GROUP BY lower(l.source), lower(l.medium), lower(l.campaign), l.provider, l.payment_key,
                 l.currency, l.currency_exponent, (l.payment_at AT TIME ZONE s.time_zone)::date,
                 s.reporting_currency
    ),
    -- converted per campaign, currency and day, not per payment: one rate lookup per group
    revenue_per_day AS (
        SELECT source, medium, campaign, reporting_currency, currency, currency_exponent,
               payment_day,
               count(*) FILTER (WHERE gross_minor - refunds_minor > 0) AS payments,
               sum(gross_minor) AS gross_minor, sum(refunds_minor) AS refunds_minor
        FROM revenue_per_payment
        GROUP BY source, medium, campaign, reporting_currency, currency, currency_exponent,
                 payment_day
    ),
    revenue AS (
        SELECT d.source, d.medium, d.campaign, d.reporting_currency,
               sum(d.payments)::bigint                                        AS payments,
               sum(d.gross_minor / (10 ^ d.currency_exponent)::numeric * r.rate)   AS gross_reporting,
               sum(d.refunds_minor / (10 ^ d.currency_exponent)::numeric * r.rate) AS refunds_reporting,
               bool_or(r.rate IS NULL)                                        AS fx_missing
        FROM revenue_per_day d
        CROSS JOIN LATERAL (SELECT fx_rate(d.currency, d.reporting_currency, d.payment_day) AS rate) r
        GROUP BY d.source, d.medium, d.campaign, d.reporting_currency
    ),
    spend AS (
        SELECT lower(c.source) AS source, lower(c.medium) AS medium,
               lower(c.campaign) AS campaign, s.reporting_currency,
               sum(c.amount_minor / (10 ^ c.currency_exponent)::numeric
                   * fx_rate(c.currency, s.reporting_currency, c.day)) AS spend_reporting,
               bool_or(fx_rate(c.currency, s.reporting_currency, c.day) IS NULL) AS fx_missing
        FROM period_spend(p_site, p_from, p_to) c
        CROSS JOIN site_reporting(p_site) s
        GROUP BY lower(c.source), lower(c.medium), lower(c.campaign), s.reporting_currency
    ),
    joined AS (
        SELECT source, medium, campaign, reporting_currency,
               coalesce(r.payments, 0) AS payments,
               coalesce(r.fx_missing, false) OR coalesce(sp.fx_missing, false) AS fx_missing,
               coalesce(r.gross_reporting, 0)   AS gross_reporting,
               coalesce(r.refunds_reporting, 0) AS refunds_reporting,
               sp.spend_reporting
        FROM revenue r
        FULL JOIN spend sp USING (source, medium, campaign, reporting_currency)
    )
    SELECT source, medium, campaign, reporting_currency, payments,
           CASE WHEN NOT fx_missing THEN round(gross_reporting, 6) END,
           CASE WHEN NOT fx_missing THEN round(refunds_reporting, 6) END,
           CASE WHEN NOT fx_missing THEN round(gross_reporting - refunds_reporting, 6) END,
           CASE WHEN NOT fx_missing THEN round(spend_reporting, 6) END,
           CASE WHEN NOT fx_missing AND spend_reporting > 0
                THEN round((gross_reporting - refunds_reporting) / spend_reporting, 6) END,
           CASE WHEN NOT fx_missing AND spend_reporting > 0
                THEN round((gross_reporting - refunds_reporting - spend_reporting)
                           / spend_reporting, 6) END,
           fx_missing
    FROM joined
$$;

-- The money of each payment in the range, from the journal of one model: every model books the
-- whole amount of every payment (an unattributed one on '(unattributed)'), so any one of them
-- gives each payment's totals; last_touch is used. booked: the payment's first booking (its
-- 'payment' entries) is in the range. For the payment-level questions below.
CREATE FUNCTION payments_between(p_site text, p_livemode boolean, p_from timestamptz,
                                 p_to timestamptz, p_basis text)
RETURNS TABLE (provider text, payment_key text, currency char(3), currency_exponent smallint,
               payment_at timestamptz, booked boolean, gross_minor bigint,
               refunds_minor bigint, net_minor bigint)
LANGUAGE sql STABLE AS $$
    SELECT l.provider, l.payment_key, l.currency, l.currency_exponent, min(l.payment_at),
           bool_or(l.entry_type = 'payment'),
           coalesce(sum(l.amount_minor) FILTER (WHERE l.entry_type <> 'refund'), 0)::bigint,
           coalesce(-sum(l.amount_minor) FILTER (WHERE l.entry_type = 'refund'), 0)::bigint,
           sum(l.amount_minor)::bigint
    FROM ledger_between(p_site, 'last_touch', p_livemode, p_from, p_to, p_basis) l
    GROUP BY l.provider, l.payment_key, l.currency, l.currency_exponent
$$;

-- Attribution quality in the range (attribution_quality for a period): how the payments of the
-- range were linked (payments.method, confidence), their money and its shares. payments: those
-- first booked in the range (with 'booking', a refund of an older payment moves money without
-- adding a payment).
CREATE FUNCTION attribution_quality_between(p_site text, p_livemode boolean,
        p_from timestamptz DEFAULT '-infinity', p_to timestamptz DEFAULT 'infinity',
        p_basis text DEFAULT 'payment')
RETURNS TABLE (method text, confidence text, currency char(3), currency_exponent smallint,
               payments bigint, gross_minor bigint, refunds_minor bigint, net_minor bigint,
               net_amount numeric, share_of_net numeric, share_of_payments numeric,
               reporting_currency char(3), net_reporting numeric,
               share_of_net_reporting numeric, fx_missing boolean)
LANGUAGE sql STABLE AS $$
    WITH per_day AS (
        SELECT p.method, p.confidence, m.currency, m.currency_exponent, s.reporting_currency,
               (m.payment_at AT TIME ZONE s.time_zone)::date AS payment_day,
               count(*) FILTER (WHERE m.booked) AS payments,
               sum(m.gross_minor) AS gross_minor, sum(m.refunds_minor) AS refunds_minor,
               sum(m.net_minor) AS net_minor
        FROM payments_between(p_site, p_livemode, p_from, p_to, p_basis) m
        JOIN payments p
          ON p.site_id = p_site AND p.provider = m.provider AND p.payment_key = m.payment_key
         -- by payment date, the range's payments are read by (site_id, occurred_at) and joined
         -- in one pass instead of one lookup each (1.1 s → 0.7 s for 30 days of a 10M journal);
         -- a day's margin, as the journal's payment_at and occurred_at come from one report
         AND (period_basis(p_basis) <> 'payment'
              OR (p.occurred_at >= p_from - interval '1 day'
                  AND p.occurred_at < p_to + interval '1 day'))
        CROSS JOIN site_reporting(p_site) s
        GROUP BY p.method, p.confidence, m.currency, m.currency_exponent, s.reporting_currency,
                 (m.payment_at AT TIME ZONE s.time_zone)::date
    ),
    g AS (
        SELECT d.method, d.confidence, d.currency, d.currency_exponent, d.reporting_currency,
               sum(d.payments)::bigint      AS payments,
               sum(d.gross_minor)::bigint   AS gross_minor,
               sum(d.refunds_minor)::bigint AS refunds_minor,
               sum(d.net_minor)::bigint     AS net_minor,
               CASE WHEN bool_and(r.rate IS NOT NULL)
                    THEN round(sum(d.net_minor / (10 ^ d.currency_exponent)::numeric * r.rate), 6)
               END                          AS net_reporting,
               bool_or(r.rate IS NULL)      AS fx_missing
        FROM per_day d
        CROSS JOIN LATERAL (SELECT fx_rate(d.currency, d.reporting_currency, d.payment_day) AS rate) r
        GROUP BY d.method, d.confidence, d.currency, d.currency_exponent, d.reporting_currency
    )
    SELECT method, confidence, currency, currency_exponent, payments, gross_minor, refunds_minor,
           net_minor, minor_amount(net_minor, currency_exponent),
           round(net_minor::numeric
                 / nullif(sum(net_minor) OVER (PARTITION BY currency, currency_exponent), 0), 6),
           round(payments::numeric
                 / nullif(sum(payments) OVER (PARTITION BY currency, currency_exponent), 0), 6),
           reporting_currency, net_reporting,
           round(net_reporting / nullif(sum(net_reporting) OVER (), 0), 6),
           fx_missing
    FROM g
$$;

-- New versus renewal revenue per time bucket in the range (revenue_new_vs_renewal for a period):
-- kind 'renewal' is a payment that renews a subscription (payments.renewal), 'new' everything
-- else. Buckets as in revenue_over_time_between.
CREATE FUNCTION revenue_new_vs_renewal_between(p_site text, p_livemode boolean,
        p_from timestamptz DEFAULT '-infinity', p_to timestamptz DEFAULT 'infinity',
        p_basis text DEFAULT 'payment', p_granularity text DEFAULT 'day')
RETURNS TABLE (bucket date, kind text, currency char(3), currency_exponent smallint,
               payments bigint, gross_minor bigint, refunds_minor bigint, net_minor bigint,
               net_amount numeric, reporting_currency char(3), net_reporting numeric,
               fx_missing boolean)
LANGUAGE sql STABLE AS $$
    WITH per_day AS (
        SELECT date_trunc(period_granularity(p_granularity),
                   CASE WHEN p_basis = 'payment' THEN l.payment_at ELSE l.booked_at END
                   AT TIME ZONE s.time_zone)::date                              AS bucket,
               CASE WHEN p.renewal THEN 'renewal' ELSE 'new' END                AS kind,
               l.currency, l.currency_exponent, s.reporting_currency,
               (l.payment_at AT TIME ZONE s.time_zone)::date                    AS payment_day,
               count(DISTINCT (l.provider, l.payment_key))
                   FILTER (WHERE l.entry_type = 'payment')                      AS payments,
               coalesce(sum(l.amount_minor) FILTER (WHERE l.entry_type <> 'refund'), 0) AS gross_minor,
               coalesce(-sum(l.amount_minor) FILTER (WHERE l.entry_type = 'refund'), 0) AS refunds_minor,
               sum(l.amount_minor)                                              AS net_minor
        FROM ledger_between(p_site, 'last_touch', p_livemode, p_from, p_to, p_basis) l
        JOIN payments p
          ON p.site_id = p_site AND p.provider = l.provider AND p.payment_key = l.payment_key
         -- the range's payments in one pass by payment date, as in attribution_quality_between
         AND (period_basis(p_basis) <> 'payment'
              OR (p.occurred_at >= p_from - interval '1 day'
                  AND p.occurred_at < p_to + interval '1 day'))
        CROSS JOIN site_reporting(p_site) s
        GROUP BY 1, 2, 3, 4, 5, 6
    )
    SELECT d.bucket, d.kind, d.currency, d.currency_exponent,
           sum(d.payments)::bigint, sum(d.gross_minor)::bigint, sum(d.refunds_minor)::bigint,
           sum(d.net_minor)::bigint,
           minor_amount(sum(d.net_minor), d.currency_exponent),
           d.reporting_currency,
           CASE WHEN bool_and(r.rate IS NOT NULL)
                THEN round(sum(d.net_minor / (10 ^ d.currency_exponent)::numeric * r.rate), 6) END,
           bool_or(r.rate IS NULL)
    FROM per_day d
    CROSS JOIN LATERAL (SELECT fx_rate(d.currency, d.reporting_currency, d.payment_day) AS rate) r
    GROUP BY d.bucket, d.kind, d.currency, d.currency_exponent, d.reporting_currency
$$;

-- Lifetime value by acquisition channel: the customers whose first payment falls in the range,
-- grouped by the month of that payment (site time zone) and by the channel that brought them (the
-- channel holding the most first-touch credit of their first payment; '(unattributed)' without
-- one), with everything they have paid since, to date, net of refunds, in the reporting currency.
-- A customer is payments.customer (V9): the linked visitor, else the provider's customer, else the
-- email hash. Payments of other modes are other customers.
--   customers       customers acquired in the cohort
--   payments        all their payments to date
--   net_reporting   their net revenue to date (each payment at its day's rate)
--   ltv_reporting   net_reporting / customers
--   SELECT * FROM ltv_by_acquisition_channel('demo', true, '2026-01-01', '2026-07-01')
--   ORDER BY cohort_month, ltv_reporting DESC;
CREATE FUNCTION ltv_by_acquisition_channel(p_site text, p_livemode boolean,
        p_from timestamptz DEFAULT '-infinity', p_to timestamptz DEFAULT 'infinity')
RETURNS TABLE (cohort_month date, channel text, customers bigint, payments bigint,
               reporting_currency char(3), net_reporting numeric, ltv_reporting numeric,
               fx_missing boolean)
LANGUAGE sql STABLE AS $$
    -- the customers acquired in the range and the channel that brought each (customer_firsts,
    -- V10: one index range, the channel kept there from the first payment's position)
    WITH acquired AS (
        SELECT f.customer,
               date_trunc('month', f.first_at AT TIME ZONE s.time_zone)::date AS cohort_month,
               f.channel
        FROM customer_firsts f
        CROSS JOIN site_reporting(p_site) s
        WHERE f.site_id = p_site AND f.livemode = p_livemode
          AND f.first_at >= p_from AND f.first_at < p_to
    ),
    -- everything the acquired customers paid, to date, per currency and day (V10's covering
    -- index by customer: the wide payment rows are not read)
    per_day AS (
        SELECT a.cohort_month, a.channel, e.currency, e.currency_exponent, s.reporting_currency,
               (e.occurred_at AT TIME ZONE s.time_zone)::date AS payment_day,
               count(*) AS payments, sum(e.net_minor) AS net_minor
        FROM acquired a
        JOIN payments e
          ON e.site_id = p_site AND e.customer = a.customer AND e.livemode = p_livemode
         AND e.occurred_at >= p_from -- none is earlier than the first, which is in the range
        CROSS JOIN site_reporting(p_site) s
        GROUP BY 1, 2, 3, 4, 5, 6
    ),
    -- one rate look-up per currency and day, however many cohorts and channels share it
    rates AS (
        SELECT r.currency, r.reporting_currency, r.payment_day,
               fx_rate(r.currency, r.reporting_currency, r.payment_day) AS rate
        FROM (SELECT DISTINCT currency, reporting_currency, payment_day FROM per_day) r
    ),
    money AS (
        SELECT d.cohort_month, d.channel, d.reporting_currency, sum(d.payments)::bigint AS payments,
               CASE WHEN bool_and(r.rate IS NOT NULL)
                    THEN sum(d.net_minor / (10 ^ d.currency_exponent)::numeric * r.rate) END AS net,
               bool_or(r.rate IS NULL) AS fx_missing
        FROM per_day d
        JOIN rates r USING (currency, reporting_currency, payment_day)
        GROUP BY d.cohort_month, d.channel, d.reporting_currency
    ),
    people AS (
        SELECT cohort_month, channel, count(*) AS customers FROM acquired GROUP BY 1, 2
    )
    SELECT m.cohort_month, m.channel, c.customers, m.payments, m.reporting_currency,
           round(m.net, 6), round(m.net / c.customers, 6), m.fx_missing
    FROM money m
    JOIN people c USING (cohort_month, channel)
$$;

RESET check_function_bodies;
