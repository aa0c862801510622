-- Revenue by channel, per site, attribution model, currency and mode (live or test), in exact
-- minor units and as a decimal amount. Each payment is netted first (credits, re-attribution
-- corrections and, later, refund retractions), so a payment counts for the channel that holds its
-- money now. Dashboards normally add "AND livemode".
--   SELECT channel, payments, net_amount FROM revenue_by_channel
--   WHERE site_id = 'demo' AND model = 'last_touch' AND currency = 'USD' ORDER BY net_minor DESC;
CREATE OR REPLACE VIEW revenue_by_channel AS
WITH per_payment AS (
    SELECT site_id, model, currency, livemode, channel, provider, payment_key,
           sum(amount_minor)                                              AS net_minor,
           sum(amount_minor::numeric / (10 ^ currency_exponent)::numeric) AS net_amount
    FROM revenue_ledger
    GROUP BY site_id, model, currency, livemode, channel, provider, payment_key
)
SELECT site_id,
       model,
       currency,
       livemode,
       channel,
       count(*) FILTER (WHERE net_minor > 0) AS payments,
       sum(net_minor)                        AS net_minor,
       sum(net_amount)                       AS net_amount
FROM per_payment
GROUP BY site_id, model, currency, livemode, channel;
