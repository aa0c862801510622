-- Revenue by campaign (utm_source / utm_medium / utm_campaign of the credited sessions, as
-- recorded), per site, attribution model, currency and mode. Same measures as revenue_by_channel:
-- payments (net on the campaign > 0), gross (credits and corrections), refunds (retractions,
-- positive), net (all ledger entries). Money without a campaign is the row with campaign NULL.
-- For return on ad spend see campaign_roi.
--   SELECT source, medium, campaign, payments, net_amount FROM revenue_by_campaign
--   WHERE site_id = 'demo' AND model = 'position_based' AND currency = 'USD' AND livemode
--     AND campaign IS NOT NULL
--   ORDER BY net_minor DESC;
CREATE OR REPLACE VIEW revenue_by_campaign AS
WITH per_payment AS (
    SELECT site_id, model, currency, currency_exponent, livemode, source, medium, campaign,
           provider, payment_key,
           coalesce(sum(amount_minor) FILTER (WHERE entry_type <> 'refund'), 0) AS gross_minor,
           coalesce(-sum(amount_minor) FILTER (WHERE entry_type = 'refund'), 0) AS refunds_minor,
           sum(amount_minor)                                                    AS net_minor
    FROM revenue_ledger
    GROUP BY site_id, model, currency, currency_exponent, livemode, source, medium, campaign,
             provider, payment_key
)
SELECT site_id,
       model,
       currency,
       currency_exponent,
       livemode,
       source,
       medium,
       campaign,
       count(*) FILTER (WHERE net_minor > 0)                              AS payments,
       sum(gross_minor)                                                   AS gross_minor,
       sum(refunds_minor)                                                 AS refunds_minor,
       sum(net_minor)                                                     AS net_minor,
       round(sum(gross_minor)::numeric / (10 ^ currency_exponent)::numeric, currency_exponent)      AS gross_amount,
       round(sum(refunds_minor)::numeric / (10 ^ currency_exponent)::numeric, currency_exponent)    AS refunds_amount,
       round(sum(net_minor)::numeric / (10 ^ currency_exponent)::numeric, currency_exponent)        AS net_amount
FROM per_payment
GROUP BY site_id, model, currency, currency_exponent, livemode, source, medium, campaign;
