-- Version 3: refunds are ledger retractions. A payment row carries what has been refunded of it
-- (the ledger's own figure: per-refund ids and the providers' running totals combined without
-- double counting, never more than the amount) and its net. Ledger entries can be read by the
-- date the money moved (payment_at) or by the date the entry happened (booked_at: a refund's or a
-- correction's own time), so both need an index.

ALTER TABLE payments
    ADD COLUMN refunded_minor bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
    ADD COLUMN chargeback boolean NOT NULL DEFAULT false,
    ADD COLUMN net_minor bigint GENERATED ALWAYS AS (amount_minor - refunded_minor) STORED;
ALTER TABLE payments
    ADD CONSTRAINT payments_refunded_within_amount CHECK (refunded_minor <= amount_minor);

CREATE INDEX revenue_ledger_site_payment_at ON revenue_ledger (site_id, payment_at);
CREATE INDEX revenue_ledger_site_booked_at ON revenue_ledger (site_id, booked_at);
