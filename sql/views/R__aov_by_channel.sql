-- Average order value by channel, per site, attribution model, currency and mode.
-- A payment counts on a channel when its net credit there is > 0 and its own net (over all
-- channels) is > 0; it counts as the fraction of it that the channel holds, so fractional models
-- (linear, position-based, time-decay) do not inflate the order count:
--   payments           payments with net credit > 0 on the channel
--   attributed_orders  sum over those payments of channel net / payment net (1 each under the
--                      single-touch models)
--   net_minor          sum of the channel's net credit of those payments
--   aov_amount         net_minor / attributed_orders / 10^exponent: the average value of the
--                      orders the channel brought, weighted by its share (6 decimals)
--   SELECT channel, payments, attributed_orders, aov_amount FROM aov_by_channel
--   WHERE site_id = 'demo' AND model = 'linear' AND currency = 'USD' AND livemode
--   ORDER BY aov_amount DESC;
CREATE OR REPLACE VIEW aov_by_channel AS
WITH per_channel AS (
    SELECT site_id, model, currency, currency_exponent, livemode, channel, provider, payment_key,
           sum(amount_minor) AS channel_net
    FROM revenue_ledger
    GROUP BY site_id, model, currency, currency_exponent, livemode, channel, provider, payment_key
),
with_total AS (
    SELECT c.*,
           sum(channel_net) OVER (PARTITION BY site_id, model, provider, payment_key) AS payment_net
    FROM per_channel c
)
SELECT site_id,
       model,
       currency,
       currency_exponent,
       livemode,
       channel,
       count(*)                                                       AS payments,
       round(sum(channel_net::numeric / payment_net), 6)             AS attributed_orders,
       sum(channel_net)::bigint                                       AS net_minor,
       round(sum(channel_net)::numeric / (10 ^ currency_exponent)::numeric, currency_exponent) AS net_amount,
       round(sum(channel_net)::numeric / sum(channel_net::numeric / payment_net)
             / (10 ^ currency_exponent)::numeric, 6)                  AS aov_amount
FROM with_total
WHERE channel_net > 0 AND payment_net > 0
GROUP BY site_id, model, currency, currency_exponent, livemode, channel;
