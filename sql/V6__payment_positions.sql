-- Version 6: a payment's credits are written as one unit with its row, and the ledger is derived.
--
-- Until version 5 the job inserted the ledger's signed entries itself, with ids derived from the
-- path that produced them. A replay after a restore that took another path (topics read in another
-- order, timers firing at other moments) booked the same money again under other ids. Now the job
-- upserts each payment's whole position (payments.credits: per model and touch, the credit and the
-- part refunds took back), and the trigger below books into revenue_ledger exactly the difference
-- between what the journal holds for the payment and the new position, in the same statement. The
-- journal therefore always sums to the position that stands, whatever the job writes in whatever
-- order; writing the same position again books nothing.

ALTER TABLE payments
    ADD COLUMN credits     jsonb,
    ADD COLUMN credited_at timestamptz,
    ADD COLUMN refunded_at timestamptz;

COMMENT ON COLUMN payments.credits IS
    'the standing credits: [{model, visitor_id, session_id, channel, source, medium, campaign,'
    ' currency, currency_exponent, payment_at, livemode, credit_minor, refunded_minor}]';

-- Positions of payments booked by earlier versions, from their journal: per touch the net of its
-- credit entries (payment, correction) and of its refund entries, so that every row says what
-- stands for it (the trigger itself reads the journal, not this column).
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
        SELECT site_id, provider, payment_key, model, visitor_id, session_id, channel, source,
               medium, campaign, currency, currency_exponent, payment_at, livemode,
               coalesce(sum(amount_minor) FILTER (WHERE entry_type <> 'refund'), 0) AS credit_minor,
               coalesce(-sum(amount_minor) FILTER (WHERE entry_type = 'refund'), 0) AS refunded_minor
        FROM revenue_ledger
        GROUP BY site_id, provider, payment_key, model, visitor_id, session_id, channel, source,
                 medium, campaign, currency, currency_exponent, payment_at, livemode
        HAVING sum(amount_minor) <> 0
    ) per_touch
    GROUP BY site_id, provider, payment_key
) pos
WHERE p.site_id = pos.site_id AND p.provider = pos.provider AND p.payment_key = pos.payment_key;

-- The journal of one position change: per touch, the new position less what the journal already
-- holds for it. Every column of a credit but its two amounts names the touch; the change of its
-- credit is booked as 'payment' (the payment's first entries) or 'correction', the change of its
-- refunded part as 'refund'. Reading the journal rather than the replaced row keeps this exact
-- while a job of version 5 still writes its own entries (its rows carry no credits) during an
-- upgrade. A first position books its credits even when they are zero, so the payment is counted.
CREATE FUNCTION book_position_change() RETURNS trigger
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
        WHERE l.site_id = NEW.site_id AND l.provider = NEW.provider
          AND l.payment_key = NEW.payment_key);
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
            WHERE l.site_id = NEW.site_id AND l.provider = NEW.provider
              AND l.payment_key = NEW.payment_key
        ) c
        GROUP BY c.model, c.visitor_id, c.session_id, c.channel, c.source, c.medium, c.campaign,
                 c.currency, c.currency_exponent, c.payment_at, c.livemode, c.kind
    ) d
    WHERE d.amount <> 0 OR (first AND d.kind = 'credit');
    RETURN NULL;
END
$$;

CREATE TRIGGER payments_book_position_change
    AFTER INSERT OR UPDATE OF credits ON payments
    FOR EACH ROW EXECUTE FUNCTION book_position_change();
