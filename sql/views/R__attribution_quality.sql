-- Attribution quality: how the payments were linked to a visitor (payments.method: metadata,
-- customer, email, timestamp, unattributed) and how sure that is (confidence: high, medium, low,
-- ambiguous, none), per site, mode and currency. Not per model: the link is the same for all.
--   payments, gross_minor (amount), refunds_minor (refunded), net_minor (amount - refunded)
--   share_of_net        net_minor / the site's net in that currency and mode (6 decimals)
--   share_of_payments   payments / the site's payments in that currency and mode
--   net_reporting       net converted into the reporting currency at each payment's day (NULL and
--                       fx_missing when a rate is missing)
--   share_of_net_reporting  net_reporting / the site's converted net over all currencies in that
--                       mode: the share across currencies (rows without a rate left out)
--   SELECT method, confidence, payments, share_of_net_reporting FROM attribution_quality
--   WHERE site_id = 'demo' AND livemode ORDER BY share_of_net_reporting DESC;
CREATE OR REPLACE VIEW attribution_quality AS
WITH p AS (
    SELECT p.site_id, p.livemode, p.currency, p.currency_exponent, p.method, p.confidence,
           p.amount_minor, p.refunded_minor, p.net_minor,
           coalesce(s.reporting_currency, 'USD') AS reporting_currency,
           fx_rate(p.currency, coalesce(s.reporting_currency, 'USD'),
                   (p.occurred_at AT TIME ZONE coalesce(s.time_zone, 'UTC'))::date) AS rate
    FROM payments p
    LEFT JOIN site_settings s ON s.site_id = p.site_id
),
g AS (
    SELECT site_id, livemode, currency, currency_exponent, method, confidence, reporting_currency,
           count(*)                     AS payments,
           sum(amount_minor)::bigint    AS gross_minor,
           sum(refunded_minor)::bigint  AS refunds_minor,
           sum(net_minor)::bigint       AS net_minor,
           CASE WHEN bool_and(rate IS NOT NULL)
                THEN round(sum(net_minor / (10 ^ currency_exponent)::numeric * rate), 6) END AS net_reporting,
           bool_or(rate IS NULL)        AS fx_missing
    FROM p
    GROUP BY site_id, livemode, currency, currency_exponent, method, confidence, reporting_currency
)
SELECT site_id,
       livemode,
       currency,
       currency_exponent,
       method,
       confidence,
       payments,
       gross_minor,
       refunds_minor,
       net_minor,
       round(net_minor::numeric / (10 ^ currency_exponent)::numeric, currency_exponent) AS net_amount,
       round(net_minor::numeric / nullif(sum(net_minor) OVER w_ccy, 0), 6)  AS share_of_net,
       round(payments::numeric / sum(payments) OVER w_ccy, 6)              AS share_of_payments,
       reporting_currency,
       net_reporting,
       round(net_reporting / nullif(sum(net_reporting) OVER w_site, 0), 6) AS share_of_net_reporting,
       fx_missing
FROM g
WINDOW w_ccy AS (PARTITION BY site_id, livemode, currency, currency_exponent),
       w_site AS (PARTITION BY site_id, livemode);
