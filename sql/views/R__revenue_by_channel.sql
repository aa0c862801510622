-- Revenue by channel, per site, attribution model, currency and mode (live or test), in exact
-- minor units and as a decimal amount. Dashboards normally add "AND livemode".
--   SELECT channel, payments, net_amount FROM revenue_by_channel
--   WHERE site_id = 'demo' AND model = 'last_touch' AND currency = 'USD' ORDER BY net_minor DESC;
CREATE OR REPLACE VIEW revenue_by_channel AS
SELECT site_id,
       model,
       currency,
       livemode,
       channel,
       count(DISTINCT (provider, payment_key)) FILTER (WHERE entry_type = 'payment') AS payments,
       sum(amount_minor)                                                         AS net_minor,
       sum(amount_minor::numeric / (10 ^ currency_exponent)::numeric)            AS net_amount
FROM revenue_ledger
GROUP BY site_id, model, currency, livemode, channel;
