-- Return on ad spend per campaign without conversion: revenue and spend of the same currency,
-- per site, attribution model, mode and currency, in exact minor units. Revenue is the ledger
-- entries with a campaign; campaigns match campaign_spend on lower-cased source, medium and
-- campaign and on the currency. Spend is not per model or mode (every (model, livemode) row of a
-- campaign carries it): always filter on both.
--   payments               payments whose net on the campaign is > 0
--   gross/refunds/net_minor   as in revenue_by_campaign, exponent currency_exponent
--   spend_minor            spend in that currency, exponent spend_exponent (ISO 4217; it can
--                          differ from the provider's, e.g. Stripe's ISK)
--   roas, roi              from the decimal amounts, 6 decimals; NULL without spend
-- A currency with spend and no revenue has net 0 (roas 0, roi -1); revenue in a currency without
-- spend in it has spend NULL. For one figure across currencies see campaign_roi.
--   SELECT source, medium, campaign, net_amount, spend_amount, roas FROM campaign_roi_by_currency
--   WHERE site_id = 'demo' AND model = 'last_touch' AND livemode AND currency = 'EUR';
CREATE OR REPLACE VIEW campaign_roi_by_currency AS
WITH revenue_per_payment AS (
    SELECT site_id, model, livemode,
           lower(source) AS source, lower(medium) AS medium, lower(campaign) AS campaign,
           currency, currency_exponent,
           coalesce(sum(amount_minor) FILTER (WHERE entry_type <> 'refund'), 0) AS gross_minor,
           coalesce(-sum(amount_minor) FILTER (WHERE entry_type = 'refund'), 0) AS refunds_minor
    FROM revenue_ledger
    WHERE campaign IS NOT NULL
    GROUP BY site_id, model, livemode, lower(source), lower(medium), lower(campaign),
             currency, currency_exponent, provider, payment_key
),
revenue AS (
    SELECT site_id, model, livemode, source, medium, campaign, currency, currency_exponent,
           count(*) FILTER (WHERE gross_minor - refunds_minor > 0) AS payments,
           sum(gross_minor)::bigint   AS gross_minor,
           sum(refunds_minor)::bigint AS refunds_minor
    FROM revenue_per_payment
    GROUP BY site_id, model, livemode, source, medium, campaign, currency, currency_exponent
),
spend AS (
    SELECT site_id, lower(source) AS source, lower(medium) AS medium, lower(campaign) AS campaign,
           currency, currency_exponent AS spend_exponent, sum(amount_minor)::bigint AS spend_minor
    FROM campaign_spend
    GROUP BY site_id, lower(source), lower(medium), lower(campaign), currency, currency_exponent
),
spend_rows AS (
    SELECT sp.*, m.model, lm.livemode
    FROM spend sp
    CROSS JOIN (VALUES ('first_touch'), ('last_touch'), ('last_non_direct'), ('linear'),
                       ('position_based'), ('time_decay')) AS m (model)
    CROSS JOIN (VALUES (true), (false)) AS lm (livemode)
),
joined AS (
    SELECT site_id, model, livemode, source, medium, campaign, currency,
           coalesce(r.currency_exponent, sr.spend_exponent) AS currency_exponent,
           coalesce(r.payments, 0)      AS payments,
           coalesce(r.gross_minor, 0)   AS gross_minor,
           coalesce(r.refunds_minor, 0) AS refunds_minor,
           sr.spend_minor,
           sr.spend_exponent
    FROM revenue r
    FULL JOIN spend_rows sr USING (site_id, model, livemode, source, medium, campaign, currency)
),
amounts AS (
    SELECT j.*,
           round((gross_minor - refunds_minor)::numeric / (10 ^ currency_exponent)::numeric, currency_exponent) AS net_amount,
           round(spend_minor::numeric / (10 ^ spend_exponent)::numeric, spend_exponent)                   AS spend_amount
    FROM joined j
)
SELECT site_id,
       model,
       livemode,
       source,
       medium,
       campaign,
       currency,
       currency_exponent,
       payments,
       gross_minor,
       refunds_minor,
       gross_minor - refunds_minor                                     AS net_minor,
       net_amount,
       spend_minor,
       spend_exponent,
       spend_amount,
       CASE WHEN spend_amount > 0 THEN round(net_amount / spend_amount, 6) END AS roas,
       CASE WHEN spend_amount > 0 THEN round((net_amount - spend_amount) / spend_amount, 6) END AS roi
FROM amounts;
