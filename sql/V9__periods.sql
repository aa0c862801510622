-- Version 9: every dashboard question for a chosen period, fast on a big warehouse (issue #18).
--
-- The period functions (views/R__periods.sql) read only the rows of the range they are asked
-- about, through these indexes:
--   * the journal by site, model and booking time (by payment time: V4's
--     revenue_ledger_site_model_payment_at). V3's (site_id, booked_at) and (site_id, payment_at)
--     go: every query of the journal by time names a model, and an index the planner may pick
--     instead of the one that also holds the model reads every model's rows of the range. The
--     journal has one index fewer to write (#15);
--   * a payment's customer (below), to find the first payment of each customer and the
--     customer's later payments for lifetime value.
-- Building them reads the tables once (seconds per million rows) and rewrites `payments` for the
-- stored column: run this upgrade while the job is stopped, as every migration.

CREATE INDEX revenue_ledger_site_model_booked_at ON revenue_ledger (site_id, model, booked_at);
DROP INDEX revenue_ledger_site_booked_at;
DROP INDEX revenue_ledger_site_payment_at;

-- Who paid, as one key per customer of a site: the visitor the payment was linked to (renewals
-- linked by their provider customer resolve to the same visitor), else the provider's customer,
-- else the payer's email hash, else the payment itself (a customer of one payment). Prefixed so
-- that the kinds never collide. IMMUTABLE: it only combines its arguments.
CREATE FUNCTION payment_customer(visitor_id text, provider text, customer_id text,
                                 email_hash char(64), payment_key text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN visitor_id IS NOT NULL THEN 'visitor:' || visitor_id
        WHEN customer_id IS NOT NULL THEN 'customer:' || provider || ':' || customer_id
        WHEN email_hash IS NOT NULL THEN 'email:' || email_hash
        ELSE 'payment:' || provider || ':' || payment_key END
$$;

ALTER TABLE payments
    ADD COLUMN customer text GENERATED ALWAYS AS
        (payment_customer(visitor_id, provider, customer_id, email_hash, payment_key)) STORED;
CREATE INDEX payments_site_customer ON payments (site_id, customer, occurred_at);
