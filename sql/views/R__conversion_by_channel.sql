-- Conversion rate by channel, per site, attribution model and mode, over all recorded history.
--   visitors         distinct visitors with at least one session on the channel (sessions)
--   paying_visitors  distinct visitors whose own touch on the channel holds net credit > 0 of at
--                    least one payment under the model (revenue_ledger.visitor_id); a fully
--                    refunded payment no longer converts
--   conversion_rate  paying_visitors / visitors, rounded to 6 decimals (NULL without visitors)
-- With model 'last_touch' this is "visitors of the channel whose converting visit came from it";
-- with 'first_touch' the channel that brought them first; the fractional models count every
-- credited touch's visitor. Sessions carry no mode, so visitors are the same for both livemode
-- rows. Channels without sessions ('(unattributed)', '(no touch)') are not listed. Every
-- (model, livemode) pair is listed for every channel with sessions, with 0 paying visitors when
-- nobody paid.
--   SELECT channel, visitors, paying_visitors, conversion_rate FROM conversion_by_channel
--   WHERE site_id = 'demo' AND model = 'last_touch' AND livemode ORDER BY conversion_rate DESC;
CREATE OR REPLACE VIEW conversion_by_channel AS
WITH visitors AS (
    SELECT site_id, channel, count(DISTINCT visitor_id) AS visitors
    FROM sessions
    GROUP BY site_id, channel
),
credited AS (
    SELECT site_id, model, livemode, channel, visitor_id, provider, payment_key
    FROM revenue_ledger
    WHERE visitor_id IS NOT NULL
    GROUP BY site_id, model, livemode, channel, visitor_id, provider, payment_key
    HAVING sum(amount_minor) > 0
),
payers AS (
    SELECT site_id, model, livemode, channel, count(DISTINCT visitor_id) AS paying_visitors
    FROM credited
    GROUP BY site_id, model, livemode, channel
)
SELECT v.site_id,
       m.model,
       lm.livemode,
       v.channel,
       v.visitors,
       coalesce(p.paying_visitors, 0)                                          AS paying_visitors,
       round(coalesce(p.paying_visitors, 0)::numeric / nullif(v.visitors, 0), 6) AS conversion_rate
FROM visitors v
CROSS JOIN (VALUES ('first_touch'), ('last_touch'), ('last_non_direct'), ('linear'),
                   ('position_based'), ('time_decay')) AS m (model)
CROSS JOIN (VALUES (true), (false)) AS lm (livemode)
LEFT JOIN payers p
       ON p.site_id = v.site_id AND p.model = m.model AND p.livemode = lm.livemode
      AND p.channel = v.channel;
