-- Version 4: reference data the dashboards need beside the facts the job writes. These tables are
-- loaded by people (dev.tributary.job.warehouse.ReferenceData, or plain SQL), never by the job.

-- Daily exchange rates: on `day`, 1 `base` = `rate` `quote`. The views convert an amount with the
-- latest rate on or before the payment's day (direct base->quote, else the inverse of quote->base).
CREATE TABLE fx_rates (
    day    date    NOT NULL,
    base   char(3) NOT NULL,
    quote  char(3) NOT NULL,
    rate   numeric NOT NULL CHECK (rate > 0),
    PRIMARY KEY (day, base, quote),
    CHECK (base <> quote)
);
-- "Latest rate on or before a day for a pair" is an index lookup only with the pair first.
CREATE INDEX fx_rates_pair_day ON fx_rates (base, quote, day DESC);

-- Ad spend per day and campaign, in exact minor units of its own currency (ISO 4217 exponent).
-- Source/medium/campaign are the utm values; the ROI views match them case-insensitively.
CREATE TABLE campaign_spend (
    day                date     NOT NULL,
    site_id            text     NOT NULL,
    source             text     NOT NULL,
    medium             text     NOT NULL,
    campaign           text     NOT NULL,
    currency           char(3)  NOT NULL,
    amount_minor       bigint   NOT NULL CHECK (amount_minor >= 0),
    currency_exponent  smallint NOT NULL CHECK (currency_exponent BETWEEN 0 AND 4),
    PRIMARY KEY (day, site_id, source, medium, campaign, currency)
);
-- The ROI views read one site's spend at a time; the key starts with the day.
CREATE INDEX campaign_spend_site_campaign ON campaign_spend (site_id, campaign, source, medium);

-- Per-site reporting settings. A site without a row reports in USD and buckets days in UTC.
CREATE TABLE site_settings (
    site_id             text    PRIMARY KEY,
    reporting_currency  char(3) NOT NULL DEFAULT 'USD',
    time_zone           text    NOT NULL DEFAULT 'UTC'
);

-- The rate to turn 1 unit of `from_ccy` into `to_ccy` on `on_day`: 1 for the same currency; else
-- the latest direct rate on or before the day; else the inverse of the latest reverse rate on or
-- before the day (the more recent of the two wins; on the same day the direct one); NULL when neither exists (the
-- views then leave the converted amount NULL and count the amount as unconverted).
CREATE FUNCTION fx_rate(from_ccy char(3), to_ccy char(3), on_day date) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN from_ccy = to_ccy THEN 1::numeric ELSE (
        SELECT r FROM (
            (SELECT day, 0 AS inverse, rate AS r FROM fx_rates
             WHERE base = from_ccy AND quote = to_ccy AND day <= on_day
             ORDER BY day DESC LIMIT 1)
            UNION ALL
            (SELECT day, 1 AS inverse, 1 / rate AS r FROM fx_rates
             WHERE base = to_ccy AND quote = from_ccy AND day <= on_day
             ORDER BY day DESC LIMIT 1)
        ) candidates
        ORDER BY day DESC, inverse LIMIT 1) END
$$;

-- The dashboards read the ledger per site and model over a range of payment dates.
CREATE INDEX revenue_ledger_site_model_payment_at ON revenue_ledger (site_id, model, payment_at);
