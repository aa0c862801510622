-- Version 8: the position trigger finds a payment's journal through one index, always.
--
-- PL/pgSQL keeps a plan for each query of a function per connection, and after five calls it may
-- settle on a generic plan costed with the statistics of that moment. On a new installation the
-- journal is empty when the job's connections book their first payments; every index of
-- revenue_ledger leads with site_id, and on an empty table a scan of any of them by site_id alone
-- costs the same as the lookup by (site_id, provider, payment_key). The connection kept the plan
-- that PostgreSQL 17 picked, `revenue_ledger_site_model_payment_at` with `site_id` as its only
-- condition, and read the site's whole journal for every payment until the table was next
-- analysed: in the job benchmark (600,000 events, one site, 24,280 payments, 176,823 journal rows)
-- the trigger took 2.6 ms of the database's time per payment, about 70 % of all it did.
--
-- Now the journal is looked up by an index that leads with payment_key, and the site condition
-- is written so that no site-led index can serve it (`site_id || ''` is not indexable): there is
-- one plan to pick, whatever the statistics say. The old (site_id, provider, payment_key) index
-- had no other reader and goes; dashboards read the journal by site and date. Building the new
-- index holds writes to the journal for its duration (seconds per million rows): run this upgrade
-- while the job is stopped, as every migration.

CREATE INDEX revenue_ledger_payment_key ON revenue_ledger (payment_key, provider, site_id);
DROP INDEX revenue_ledger_payment;

-- Version 6's function with the two journal lookups rewritten (see above); nothing else changed.
CREATE OR REPLACE FUNCTION book_position_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    first boolean;
BEGIN
    IF NEW.credits IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.credits IS NOT NULL AND NEW.credits = OLD.credits THEN
        -- the same position again (a replay, a retry): nothing to book
        RETURN NULL;
    END IF;
    first := NOT EXISTS (
        SELECT 1 FROM revenue_ledger l
        WHERE l.payment_key = NEW.payment_key AND l.provider = NEW.provider
          AND l.site_id || '' = NEW.site_id);
    INSERT INTO revenue_ledger (entry_id, site_id, provider, payment_key, model, entry_type,
        visitor_id, session_id, channel, source, medium, campaign, amount_minor, currency,
        currency_exponent, payment_at, booked_at, livemode)
    SELECT gen_random_uuid()::text, NEW.site_id, NEW.provider, NEW.payment_key, d.model,
           CASE WHEN d.kind = 'refund' THEN 'refund'
                WHEN first THEN 'payment' ELSE 'correction' END,
           d.visitor_id, d.session_id, d.channel, d.source, d.medium, d.campaign,
           d.amount, d.currency, d.currency_exponent, d.payment_at,
           CASE WHEN d.kind = 'refund'
                THEN coalesce(NEW.refunded_at, NEW.credited_at, NEW.occurred_at)
                ELSE coalesce(NEW.credited_at, NEW.occurred_at) END,
           d.livemode
    FROM (
        SELECT c.model, c.visitor_id, c.session_id, c.channel, c.source, c.medium, c.campaign,
               c.currency, c.currency_exponent, c.payment_at, c.livemode, c.kind,
               sum(c.amount) AS amount
        FROM (
            SELECT n.model, n.visitor_id, n.session_id, n.channel, n.source, n.medium,
                   n.campaign, n.currency, n.currency_exponent, n.payment_at, n.livemode,
                   kind.kind,
                   CASE WHEN kind.kind = 'refund' THEN -n.refunded_minor
                        ELSE n.credit_minor END AS amount
            FROM jsonb_to_recordset(NEW.credits) AS n(model text, visitor_id text,
                session_id text, channel text, source text, medium text, campaign text,
                currency char(3), currency_exponent smallint, payment_at timestamptz,
                livemode boolean, credit_minor bigint, refunded_minor bigint)
            CROSS JOIN (VALUES ('credit'), ('refund')) AS kind(kind)
            UNION ALL
            SELECT l.model, l.visitor_id, l.session_id, l.channel, l.source, l.medium,
                   l.campaign, l.currency, l.currency_exponent, l.payment_at, l.livemode,
                   CASE WHEN l.entry_type = 'refund' THEN 'refund' ELSE 'credit' END,
                   -l.amount_minor
            FROM revenue_ledger l
            WHERE l.payment_key = NEW.payment_key AND l.provider = NEW.provider
              AND l.site_id || '' = NEW.site_id
        ) c
        GROUP BY c.model, c.visitor_id, c.session_id, c.channel, c.source, c.medium, c.campaign,
                 c.currency, c.currency_exponent, c.payment_at, c.livemode, c.kind
    ) d
    WHERE d.amount <> 0 OR (first AND d.kind = 'credit');
    RETURN NULL;
END
$$;
