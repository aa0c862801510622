-- New versus renewal revenue over time, per site, mode and currency, from the payments (not per
-- model: a payment is new or a renewal whatever the attribution). kind 'renewal' is a payment
-- that renews a subscription (payments.renewal); 'new' is everything else: one-time purchases
-- and the first payment of a subscription. Bucketed by the payment's time (occurred_at) in the
-- site's time zone, granularity 'day', 'week' (ISO, Monday) or 'month'; refunds are those made
-- so far on the bucket's payments (payments.refunded_minor), whenever they happened.
--   payments, gross_minor (amount), refunds_minor, net_minor (amount - refunded), decimals, and
--   net_reporting: net converted at each payment's day (NULL and fx_missing when a rate is
--   missing). Sum net_reporting over currencies for the site's total.
--   SELECT bucket, kind, sum(net_reporting) AS net FROM revenue_new_vs_renewal
--   WHERE site_id = 'demo' AND livemode AND granularity = 'month'
--   GROUP BY bucket, kind ORDER BY bucket, kind;
CREATE OR REPLACE VIEW revenue_new_vs_renewal AS
WITH p AS (
    SELECT p.site_id, p.livemode, p.currency, p.currency_exponent,
           CASE WHEN p.renewal THEN 'renewal' ELSE 'new' END AS kind,
           p.amount_minor, p.refunded_minor, p.net_minor,
           p.occurred_at AT TIME ZONE coalesce(s.time_zone, 'UTC') AS occurred_local,
           coalesce(s.reporting_currency, 'USD') AS reporting_currency,
           fx_rate(p.currency, coalesce(s.reporting_currency, 'USD'),
                   (p.occurred_at AT TIME ZONE coalesce(s.time_zone, 'UTC'))::date) AS rate
    FROM payments p
    LEFT JOIN site_settings s ON s.site_id = p.site_id
)
SELECT p.site_id,
       p.livemode,
       g.granularity,
       date_trunc(g.granularity, p.occurred_local)::date                        AS bucket,
       p.kind,
       p.currency,
       p.currency_exponent,
       count(*)                                                                 AS payments,
       sum(p.amount_minor)::bigint                                              AS gross_minor,
       sum(p.refunded_minor)::bigint                                            AS refunds_minor,
       sum(p.net_minor)::bigint                                                 AS net_minor,
       round(sum(p.amount_minor)::numeric / (10 ^ p.currency_exponent)::numeric, p.currency_exponent)       AS gross_amount,
       round(sum(p.refunded_minor)::numeric / (10 ^ p.currency_exponent)::numeric, p.currency_exponent)     AS refunds_amount,
       round(sum(p.net_minor)::numeric / (10 ^ p.currency_exponent)::numeric, p.currency_exponent)          AS net_amount,
       p.reporting_currency,
       CASE WHEN bool_and(p.rate IS NOT NULL)
            THEN round(sum(p.net_minor / (10 ^ p.currency_exponent)::numeric * p.rate), 6) END AS net_reporting,
       bool_or(p.rate IS NULL)                                                  AS fx_missing
FROM p
CROSS JOIN (VALUES ('day'), ('week'), ('month')) AS g (granularity)
GROUP BY p.site_id, p.livemode, g.granularity, date_trunc(g.granularity, p.occurred_local)::date,
         p.kind, p.currency, p.currency_exponent, p.reporting_currency;
