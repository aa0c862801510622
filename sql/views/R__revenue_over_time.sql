-- Revenue over time, per site, attribution model, mode, currency and time bucket, in exact minor
-- units, as decimals, and converted into the site's reporting currency.
--   basis        'payment': entries bucketed by payment_at (when the money moved; a later refund
--                lowers the payment's own bucket); 'booking': by booked_at (a refund or a
--                correction lands in the bucket where it happened; past buckets never change)
--   granularity  'day', 'week' (ISO weeks, starting Monday) or 'month'; bucket is the first day,
--                in the site's time zone (site_settings.time_zone, default UTC)
--   payments     payments whose 'payment' entries fall in the bucket (the same for both bases)
--   gross_minor  credits ('payment' and 'correction' entries); refunds_minor: retractions
--                ('refund' entries) as a positive number; net_minor = gross - refunds
-- Conversion: each amount is multiplied by fx_rate(currency, reporting currency, payment day):
-- 1 when the currencies are equal; otherwise the latest rate on or before the day the payment
-- was made (in the site's time zone), direct or inverted. Refunds and corrections convert at
-- their payment's rate, so net_reporting = gross_reporting - refunds_reporting. When any day in
-- the row has no rate, the *_reporting columns are NULL and fx_missing is true. Converted amounts
-- are rounded to 6 decimals.
-- Summing *_reporting over currencies gives the site's total in its reporting currency.
--   SELECT bucket, sum(net_reporting) AS net FROM revenue_over_time
--   WHERE site_id = 'demo' AND model = 'last_touch' AND livemode
--     AND basis = 'payment' AND granularity = 'month'
--   GROUP BY bucket ORDER BY bucket;
CREATE OR REPLACE VIEW revenue_over_time AS
WITH entries AS (
    SELECT l.site_id, l.model, l.livemode, l.currency, l.currency_exponent, l.provider,
           l.payment_key, l.entry_type, l.amount_minor,
           coalesce(s.reporting_currency, 'USD')                           AS reporting_currency,
           l.payment_at AT TIME ZONE coalesce(s.time_zone, 'UTC')          AS payment_local,
           l.booked_at AT TIME ZONE coalesce(s.time_zone, 'UTC')           AS booked_local
    FROM revenue_ledger l
    LEFT JOIN site_settings s ON s.site_id = l.site_id
),
daily AS (
    SELECT e.site_id, e.model, e.livemode, b.basis, g.granularity,
           date_trunc(g.granularity,
                      CASE b.basis WHEN 'payment' THEN e.payment_local ELSE e.booked_local END
           )::date                                                           AS bucket,
           e.currency, e.currency_exponent, e.reporting_currency,
           e.payment_local::date                                             AS payment_day,
           count(DISTINCT (e.provider, e.payment_key))
               FILTER (WHERE e.entry_type = 'payment')                      AS payments,
           coalesce(sum(e.amount_minor) FILTER (WHERE e.entry_type <> 'refund'), 0) AS gross_minor,
           coalesce(-sum(e.amount_minor) FILTER (WHERE e.entry_type = 'refund'), 0) AS refunds_minor
    FROM entries e
    CROSS JOIN (VALUES ('payment'), ('booking')) AS b (basis)
    CROSS JOIN (VALUES ('day'), ('week'), ('month')) AS g (granularity)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
),
converted AS (
    SELECT d.*,
           fx_rate(d.currency, d.reporting_currency, d.payment_day)         AS rate,
           (10 ^ d.currency_exponent)::numeric                              AS unit
    FROM daily d
)
SELECT site_id,
       model,
       livemode,
       basis,
       granularity,
       bucket,
       currency,
       currency_exponent,
       sum(payments)::bigint                                  AS payments,
       sum(gross_minor)::bigint                               AS gross_minor,
       sum(refunds_minor)::bigint                             AS refunds_minor,
       (sum(gross_minor) - sum(refunds_minor))::bigint        AS net_minor,
       round(sum(gross_minor) / min(unit), currency_exponent) AS gross_amount,
       round(sum(refunds_minor) / min(unit), currency_exponent) AS refunds_amount,
       round((sum(gross_minor) - sum(refunds_minor)) / min(unit), currency_exponent) AS net_amount,
       reporting_currency,
       CASE WHEN bool_and(rate IS NOT NULL)
            THEN round(sum(gross_minor / unit * rate), 6) END                        AS gross_reporting,
       CASE WHEN bool_and(rate IS NOT NULL)
            THEN round(sum(refunds_minor / unit * rate), 6) END                      AS refunds_reporting,
       CASE WHEN bool_and(rate IS NOT NULL)
            THEN round(sum((gross_minor - refunds_minor) / unit * rate), 6) END      AS net_reporting,
       bool_or(rate IS NULL)                                               AS fx_missing
FROM converted
GROUP BY site_id, model, livemode, basis, granularity, bucket, currency, currency_exponent,
         reporting_currency;
