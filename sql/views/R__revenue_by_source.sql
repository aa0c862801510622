-- Revenue by traffic source / medium (the utm_source / utm_medium of the credited sessions, or
-- the referrer-derived ones), per site, attribution model, currency and mode. Same measures as
-- revenue_by_channel: payments (net on the source/medium > 0), gross (credits and corrections),
-- refunds (retractions, positive), net (all ledger entries), in minor units and decimals.
-- Unattributed money has NULL source and medium.
--   SELECT source, medium, payments, gross_amount, refunds_amount, net_amount
--   FROM revenue_by_source
--   WHERE site_id = 'demo' AND model = 'linear' AND currency = 'EUR' AND livemode
--   ORDER BY net_minor DESC;
CREATE OR REPLACE VIEW revenue_by_source AS
WITH per_payment AS (
    SELECT site_id, model, currency, currency_exponent, livemode, source, medium, provider,
           payment_key,
           coalesce(sum(amount_minor) FILTER (WHERE entry_type <> 'refund'), 0) AS gross_minor,
           coalesce(-sum(amount_minor) FILTER (WHERE entry_type = 'refund'), 0) AS refunds_minor,
           sum(amount_minor)                                                    AS net_minor
    FROM revenue_ledger
    GROUP BY site_id, model, currency, currency_exponent, livemode, source, medium, provider,
             payment_key
)
SELECT site_id,
       model,
       currency,
       currency_exponent,
       livemode,
       source,
       medium,
       count(*) FILTER (WHERE net_minor > 0)                              AS payments,
       sum(gross_minor)                                                   AS gross_minor,
       sum(refunds_minor)                                                 AS refunds_minor,
       sum(net_minor)                                                     AS net_minor,
       round(sum(gross_minor)::numeric / (10 ^ currency_exponent)::numeric, currency_exponent)      AS gross_amount,
       round(sum(refunds_minor)::numeric / (10 ^ currency_exponent)::numeric, currency_exponent)    AS refunds_amount,
       round(sum(net_minor)::numeric / (10 ^ currency_exponent)::numeric, currency_exponent)        AS net_amount
FROM per_payment
GROUP BY site_id, model, currency, currency_exponent, livemode, source, medium;
