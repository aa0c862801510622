-- Return on ad spend per campaign, per site, attribution model and mode, in the site's reporting
-- currency (site_settings.reporting_currency, default USD).
--   Revenue: ledger entries with a campaign, matched to campaign_spend on lower-cased source,
--   medium and campaign; each payment converted with fx_rate at its payment day (site time zone).
--   Spend: campaign_spend over all days, each day's amount converted at that day's rate. Spend is
--   not per model or mode: every (model, livemode) row of a campaign carries the same spend, so
--   always filter on both.
--   payments        payments whose net on the campaign is > 0
--   net_reporting   gross_reporting - refunds_reporting (credits, corrections and refund
--                   retractions of the campaign's touches)
--   roas            net_reporting / spend_reporting (NULL without spend)
--   roi             (net_reporting - spend_reporting) / spend_reporting (NULL without spend)
--   fx_missing      some revenue or spend had no rate: the reporting amounts and ratios are NULL
-- A campaign with spend and no revenue has revenue 0 (roas 0, roi -1); one with revenue and no
-- spend has spend NULL. For exact amounts without conversion see campaign_roi_by_currency.
--   SELECT source, medium, campaign, net_reporting, spend_reporting, roas, roi
--   FROM campaign_roi WHERE site_id = 'demo' AND model = 'linear' AND livemode
--   ORDER BY roas DESC NULLS LAST;
CREATE OR REPLACE VIEW campaign_roi AS
WITH settings AS (
    SELECT site_id, reporting_currency, time_zone FROM site_settings
),
revenue_per_payment AS (
    SELECT l.site_id, l.model, l.livemode,
           lower(l.source) AS source, lower(l.medium) AS medium, lower(l.campaign) AS campaign,
           coalesce(s.reporting_currency, 'USD') AS reporting_currency,
           fx_rate(l.currency, coalesce(s.reporting_currency, 'USD'),
                   (l.payment_at AT TIME ZONE coalesce(s.time_zone, 'UTC'))::date) AS rate,
           (10 ^ l.currency_exponent)::numeric AS unit,
           coalesce(sum(l.amount_minor) FILTER (WHERE l.entry_type <> 'refund'), 0) AS gross_minor,
           coalesce(-sum(l.amount_minor) FILTER (WHERE l.entry_type = 'refund'), 0) AS refunds_minor
    FROM revenue_ledger l
    LEFT JOIN settings s ON s.site_id = l.site_id
    WHERE l.campaign IS NOT NULL
    GROUP BY l.site_id, l.model, l.livemode, lower(l.source), lower(l.medium), lower(l.campaign),
             l.provider, l.payment_key, l.currency, l.currency_exponent, l.payment_at,
             s.reporting_currency, s.time_zone
),
revenue AS (
    SELECT site_id, model, livemode, source, medium, campaign, reporting_currency,
           count(*) FILTER (WHERE gross_minor - refunds_minor > 0) AS payments,
           sum(gross_minor / unit * rate)                          AS gross_reporting,
           sum(refunds_minor / unit * rate)                        AS refunds_reporting,
           bool_or(rate IS NULL)                                   AS fx_missing
    FROM revenue_per_payment
    GROUP BY site_id, model, livemode, source, medium, campaign, reporting_currency
),
spend AS (
    SELECT c.site_id, lower(c.source) AS source, lower(c.medium) AS medium,
           lower(c.campaign) AS campaign,
           coalesce(s.reporting_currency, 'USD') AS reporting_currency,
           sum(c.amount_minor / (10 ^ c.currency_exponent)::numeric
               * fx_rate(c.currency, coalesce(s.reporting_currency, 'USD'), c.day)) AS spend_reporting,
           bool_or(fx_rate(c.currency, coalesce(s.reporting_currency, 'USD'), c.day) IS NULL)
               AS fx_missing
    FROM campaign_spend c
    LEFT JOIN settings s ON s.site_id = c.site_id
    GROUP BY c.site_id, lower(c.source), lower(c.medium), lower(c.campaign),
             coalesce(s.reporting_currency, 'USD')
),
spend_rows AS (
    SELECT sp.*, m.model, lm.livemode
    FROM spend sp
    CROSS JOIN (VALUES ('first_touch'), ('last_touch'), ('last_non_direct'), ('linear'),
                       ('position_based'), ('time_decay')) AS m (model)
    CROSS JOIN (VALUES (true), (false)) AS lm (livemode)
),
joined AS (
    SELECT site_id, model, livemode, source, medium, campaign, reporting_currency,
           coalesce(r.payments, 0) AS payments,
           coalesce(r.fx_missing, false) OR coalesce(sr.fx_missing, false) AS fx_missing,
           coalesce(r.gross_reporting, 0)   AS gross_reporting,
           coalesce(r.refunds_reporting, 0) AS refunds_reporting,
           sr.spend_reporting
    FROM revenue r
    FULL JOIN spend_rows sr
           USING (site_id, model, livemode, source, medium, campaign, reporting_currency)
)
SELECT site_id,
       model,
       livemode,
       source,
       medium,
       campaign,
       reporting_currency,
       payments,
       CASE WHEN NOT fx_missing THEN round(gross_reporting, 6) END            AS gross_reporting,
       CASE WHEN NOT fx_missing THEN round(refunds_reporting, 6) END          AS refunds_reporting,
       CASE WHEN NOT fx_missing THEN round(gross_reporting - refunds_reporting, 6) END AS net_reporting,
       CASE WHEN NOT fx_missing THEN round(spend_reporting, 6) END            AS spend_reporting,
       CASE WHEN NOT fx_missing AND spend_reporting > 0
            THEN round((gross_reporting - refunds_reporting) / spend_reporting, 6) END AS roas,
       CASE WHEN NOT fx_missing AND spend_reporting > 0
            THEN round((gross_reporting - refunds_reporting - spend_reporting) / spend_reporting, 6)
       END                                                                    AS roi,
       fx_missing
FROM joined;
