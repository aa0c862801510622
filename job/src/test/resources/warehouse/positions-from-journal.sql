-- Each payment's standing position (payments.credits, V6) from its journal, as V6 backfilled it:
-- for rows written straight into revenue_ledger by a fixture or a benchmark, so that they look as
-- the job's rows do (its positions carry credits). The position trigger books nothing for them
-- (the journal already holds each position); the V10 triggers record each first payment's channel.
UPDATE payments p
SET credits = pos.credits
FROM (
    SELECT site_id, provider, payment_key,
           jsonb_agg(jsonb_build_object(
               'model', model, 'visitor_id', visitor_id, 'session_id', session_id,
               'channel', channel, 'source', source, 'medium', medium, 'campaign', campaign,
               'currency', currency, 'currency_exponent', currency_exponent,
               'payment_at', payment_at, 'livemode', livemode,
               'credit_minor', credit_minor, 'refunded_minor', refunded_minor)
               ORDER BY model, session_id, channel) AS credits
    FROM (
        SELECT site_id, provider, payment_key, model, visitor_id, session_id, channel,
               source, medium, campaign, currency, currency_exponent, payment_at, livemode,
               coalesce(sum(amount_minor) FILTER (WHERE entry_type <> 'refund'), 0)
                   AS credit_minor,
               coalesce(-sum(amount_minor) FILTER (WHERE entry_type = 'refund'), 0)
                   AS refunded_minor
        FROM revenue_ledger
        GROUP BY site_id, provider, payment_key, model, visitor_id, session_id, channel,
                 source, medium, campaign, currency, currency_exponent, payment_at, livemode
    ) per_touch
    GROUP BY site_id, provider, payment_key
) pos
WHERE p.site_id = pos.site_id AND p.provider = pos.provider
  AND p.payment_key = pos.payment_key
