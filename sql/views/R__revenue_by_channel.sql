-- Revenue by channel, per site, attribution model, currency and mode (live or test), in exact
-- minor units and as decimal amounts. Each payment is netted on each channel first (credits,
-- re-attribution corrections and refund retractions), so a payment counts for the channel that
-- holds its money now. Dashboards normally add "AND livemode".
--   payments       payments whose net on the channel is > 0
--   gross_minor    credits: 'payment' and 'correction' entries (corrections only move credit)
--   refunds_minor  refund retractions ('refund' entries), as a positive number
--   net_minor      sum of all ledger entries = gross_minor - refunds_minor
-- Amounts of one currency with different exponents (Stripe's ISK has 2, ISO's 0) are never
-- added in minor units: they are separate rows (currency_exponent).
--   SELECT channel, payments, net_amount FROM revenue_by_channel
--   WHERE site_id = 'demo' AND model = 'last_touch' AND currency = 'USD' ORDER BY net_minor DESC;
CREATE OR REPLACE VIEW revenue_by_channel AS
WITH per_payment AS (
    SELECT site_id, model, currency, currency_exponent, livemode, channel, provider, payment_key,
           coalesce(sum(amount_minor) FILTER (WHERE entry_type <> 'refund'), 0) AS gross_minor,
           coalesce(-sum(amount_minor) FILTER (WHERE entry_type = 'refund'), 0) AS refunds_minor,
           sum(amount_minor)                                                    AS net_minor
    FROM revenue_ledger
    GROUP BY site_id, model, currency, currency_exponent, livemode, channel, provider, payment_key
)
SELECT site_id,
       model,
       currency,
       livemode,
       channel,
       count(*) FILTER (WHERE net_minor > 0)                              AS payments,
       sum(net_minor)                                                     AS net_minor,
       round(sum(net_minor)::numeric / (10 ^ currency_exponent)::numeric, currency_exponent)        AS net_amount,
       currency_exponent,
       sum(gross_minor)                                                   AS gross_minor,
       sum(refunds_minor)                                                 AS refunds_minor,
       round(sum(gross_minor)::numeric / (10 ^ currency_exponent)::numeric, currency_exponent)      AS gross_amount,
       round(sum(refunds_minor)::numeric / (10 ^ currency_exponent)::numeric, currency_exponent)    AS refunds_amount
FROM per_payment
GROUP BY site_id, model, currency, currency_exponent, livemode, channel;
