-- Version 2: every provider. Payments learn their subscription and whether they renew it; refunds
-- and chargebacks are recorded as the providers report them. (Issue 5 turns them into ledger
-- retractions; until then they do not change the ledger.)

ALTER TABLE payments
    ADD COLUMN subscription_id text,
    ADD COLUMN renewal boolean NOT NULL DEFAULT false;

-- One row per refund as reported. refund_key is the provider's refund id; providers that report
-- only the running total refunded on a payment (Stripe charge.refunded, Lemon Squeezy
-- order_refunded) get one row per payment under refund_key 'cumulative', holding the largest total
-- seen; a refund without an amount (Gumroad) is refund_key 'full' with full_refund true.
CREATE TABLE refunds (
    site_id            text        NOT NULL,
    provider           text        NOT NULL,
    payment_key        text        NOT NULL,
    refund_key         text        NOT NULL,
    event_id           text        NOT NULL,
    event_type         text        NOT NULL,
    kind               text        NOT NULL CHECK (kind IN ('refund', 'chargeback')),
    amount_minor       bigint      NOT NULL CHECK (amount_minor >= 0),
    cumulative         boolean     NOT NULL,
    full_refund        boolean     NOT NULL,
    currency           char(3),
    currency_exponent  smallint    NOT NULL,
    occurred_at        timestamptz NOT NULL,
    received_at        timestamptz NOT NULL,
    livemode           boolean     NOT NULL,
    PRIMARY KEY (site_id, provider, payment_key, refund_key)
);
CREATE INDEX refunds_site_occurred ON refunds (site_id, occurred_at);
