-- Version 10: each customer's first payment, kept current by the database (issue #18).
--
-- Lifetime value by acquisition channel groups customers by their first payment. Finding it at
-- query time means one lookup per payment of the range ("is there an earlier payment of this
-- customer?"): 2.2 s for 30 days in the 10M-row dashboard benchmark, over the 1 s goal. This table
-- holds the answer, one row per customer (payments.customer, V9) and mode, so the cohort panel
-- reads the customers acquired in its range by one index.
--
-- Triggers on `payments` keep it exact whatever the job writes, in whatever order:
--   * a new payment is a candidate: the row keeps the earliest (occurred_at, provider,
--     payment_key) ever offered, a comparison that commutes, so concurrent writers agree;
--   * a payment that leaves its customer (re-attributed to another visitor, an email erased) or
--     moves in time, if it was that customer's first, makes the first be looked up again. The
--     look-up locks the customer's row first: a concurrent candidate either waits for it or has
--     committed before the look-up's snapshot, so none is lost.
--   * a new position of a customer's first payment (a re-attribution) updates the channel that
--     brought the customer: the first-touch channel of that payment's standing credits.
-- A payment row that changes none of these (a refund's new total alone) costs nothing here.
--
-- The cohort panel then reads everything the acquired customers paid, and attribution quality
-- and new vs renewal read the range's payments: both from `payments`, whose rows are wide (the
-- position's jsonb), so the indexes they read by also hold the few columns they need and the
-- heap is not visited (index-only scans, once vacuum has marked the pages all-visible).

CREATE TABLE customer_firsts (
    site_id      text        NOT NULL,
    livemode     boolean     NOT NULL,
    customer     text        NOT NULL,
    first_at     timestamptz NOT NULL,
    provider     text        NOT NULL,
    payment_key  text        NOT NULL,
    channel      text        NOT NULL,
    PRIMARY KEY (site_id, livemode, customer)
);
CREATE INDEX customer_firsts_acquired ON customer_firsts (site_id, livemode, first_at)
    INCLUDE (customer, channel);
COMMENT ON TABLE customer_firsts IS
    'each customer''s first payment (payments.customer), per site and mode, and the channel that '
    'brought them; kept by triggers on payments';
COMMENT ON COLUMN customer_firsts.channel IS
    'the channel holding the most first-touch credit of the first payment (its standing credits, '
    'which the journal sums to); (unattributed) without one';

-- The channel a payment's position gives its first touch: the one with the most first_touch
-- credit (ties: the first channel by name); '(unattributed)' when no channel holds any.
CREATE FUNCTION first_touch_channel(credits jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce((
        SELECT c.channel
        FROM jsonb_to_recordset(credits) AS c(model text, channel text, credit_minor bigint)
        WHERE c.model = 'first_touch'
        GROUP BY c.channel
        HAVING sum(c.credit_minor) > 0
        ORDER BY sum(c.credit_minor) DESC, c.channel
        LIMIT 1), '(unattributed)')
$$;

-- Offers a payment as its customer's first: kept if earlier than the one recorded.
CREATE FUNCTION offer_customer_first(p_site text, p_livemode boolean, p_customer text,
                                     p_at timestamptz, p_provider text, p_key text,
                                     p_channel text)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO customer_firsts AS f
        (site_id, livemode, customer, first_at, provider, payment_key, channel)
    VALUES (p_site, p_livemode, p_customer, p_at, p_provider, p_key, p_channel)
    ON CONFLICT (site_id, livemode, customer) DO UPDATE
        SET first_at = excluded.first_at, provider = excluded.provider,
            payment_key = excluded.payment_key, channel = excluded.channel
        WHERE (excluded.first_at, excluded.provider, excluded.payment_key)
            < (f.first_at, f.provider, f.payment_key)
$$;

-- Looks a customer's first payment up again, after the recorded one left or moved. Dynamic SQL:
-- planned for its values each time, so a plan kept from an empty table can never read a site's
-- payments in time order (see V8).
CREATE FUNCTION recount_customer_first(p_site text, p_livemode boolean, p_customer text,
                                       p_left_provider text, p_left_key text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    recorded record;
    found_first record;
BEGIN
    SELECT f.provider, f.payment_key INTO recorded FROM customer_firsts f
    WHERE f.site_id = p_site AND f.livemode = p_livemode AND f.customer = p_customer
    FOR UPDATE;
    IF NOT FOUND OR recorded.provider <> p_left_provider OR recorded.payment_key <> p_left_key THEN
        RETURN; -- the payment that changed was not this customer's first
    END IF;
    EXECUTE 'SELECT occurred_at, provider, payment_key, credits FROM payments'
         || ' WHERE site_id = $1 AND customer = $2 AND livemode = $3'
         || ' ORDER BY occurred_at, provider, payment_key LIMIT 1'
        INTO found_first USING p_site, p_customer, p_livemode;
    IF found_first IS NULL THEN
        DELETE FROM customer_firsts f
        WHERE f.site_id = p_site AND f.livemode = p_livemode AND f.customer = p_customer;
    ELSE
        UPDATE customer_firsts f
        SET first_at = found_first.occurred_at, provider = found_first.provider,
            payment_key = found_first.payment_key,
            channel = first_touch_channel(found_first.credits)
        WHERE f.site_id = p_site AND f.livemode = p_livemode AND f.customer = p_customer;
    END IF;
END
$$;

CREATE FUNCTION track_customer_firsts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    new_channel text;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.customer IS NOT DISTINCT FROM NEW.customer
       AND OLD.occurred_at IS NOT DISTINCT FROM NEW.occurred_at
       AND OLD.livemode IS NOT DISTINCT FROM NEW.livemode
       AND OLD.site_id IS NOT DISTINCT FROM NEW.site_id
       AND OLD.provider IS NOT DISTINCT FROM NEW.provider
       AND OLD.payment_key IS NOT DISTINCT FROM NEW.payment_key THEN
        -- only the position changed (a re-attribution): the channel, if this is the first
        new_channel := first_touch_channel(NEW.credits);
        UPDATE customer_firsts f SET channel = new_channel
        WHERE f.site_id = NEW.site_id AND f.livemode = NEW.livemode
          AND f.customer = NEW.customer AND f.provider = NEW.provider
          AND f.payment_key = NEW.payment_key
          AND f.channel IS DISTINCT FROM new_channel;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM recount_customer_first(OLD.site_id, OLD.livemode, OLD.customer, OLD.provider,
                                       OLD.payment_key);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM offer_customer_first(NEW.site_id, NEW.livemode, NEW.customer, NEW.occurred_at,
                                     NEW.provider, NEW.payment_key,
                                     first_touch_channel(NEW.credits));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER payments_track_customer_firsts_insert
    AFTER INSERT ON payments
    FOR EACH ROW EXECUTE FUNCTION track_customer_firsts();
CREATE TRIGGER payments_track_customer_firsts_update
    AFTER UPDATE ON payments
    FOR EACH ROW
    WHEN (OLD.customer IS DISTINCT FROM NEW.customer
          OR OLD.occurred_at IS DISTINCT FROM NEW.occurred_at
          OR OLD.livemode IS DISTINCT FROM NEW.livemode
          OR OLD.site_id IS DISTINCT FROM NEW.site_id
          OR OLD.provider IS DISTINCT FROM NEW.provider
          OR OLD.payment_key IS DISTINCT FROM NEW.payment_key
          OR OLD.credits IS DISTINCT FROM NEW.credits)
    EXECUTE FUNCTION track_customer_firsts();
CREATE TRIGGER payments_track_customer_firsts_delete
    AFTER DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION track_customer_firsts();

-- Every customer's first from the payments as they stand: the backfill below, and the repair
-- after a bulk load that ran with the triggers off (the dashboard benchmark does).
CREATE FUNCTION rebuild_customer_firsts() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    TRUNCATE customer_firsts;
    INSERT INTO customer_firsts
        (site_id, livemode, customer, first_at, provider, payment_key, channel)
    SELECT DISTINCT ON (site_id, livemode, customer)
           site_id, livemode, customer, occurred_at, provider, payment_key,
           first_touch_channel(credits)
    FROM payments
    ORDER BY site_id, livemode, customer, occurred_at, provider, payment_key;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

SELECT rebuild_customer_firsts();

-- Covering versions of V1's (site_id, occurred_at) and V9's (site_id, customer, occurred_at).
DROP INDEX payments_site_occurred;
CREATE INDEX payments_site_occurred ON payments (site_id, occurred_at)
    INCLUDE (provider, payment_key, livemode, method, confidence, renewal);
DROP INDEX payments_site_customer;
CREATE INDEX payments_site_customer ON payments (site_id, customer, occurred_at)
    INCLUDE (livemode, currency, currency_exponent, net_minor);
