-- Tributary warehouse, version 1: the facts the job writes.
-- Money is exact: bigint minor units in the currency the provider reported, with that provider's
-- exponent beside it (Stripe's ISK has 2 digits, JPY 0, KWD 3). Emails are stored only as hashes.

CREATE TABLE sessions (
    site_id        text        NOT NULL,
    session_id     text        NOT NULL,
    visitor_id     text        NOT NULL,
    started_at     timestamptz NOT NULL,
    last_seen_at   timestamptz NOT NULL,
    pageviews      integer     NOT NULL,
    channel        text        NOT NULL,
    source         text,
    medium         text,
    campaign       text,
    term           text,
    content        text,
    referrer       text,
    referrer_host  text,
    landing_page   text,
    PRIMARY KEY (site_id, session_id)
);
CREATE INDEX sessions_site_started ON sessions (site_id, started_at);
CREATE INDEX sessions_site_visitor ON sessions (site_id, visitor_id);

CREATE TABLE payments (
    site_id            text        NOT NULL,
    provider           text        NOT NULL,
    payment_key        text        NOT NULL,
    event_id           text        NOT NULL,
    event_type         text        NOT NULL,
    amount_minor       bigint      NOT NULL CHECK (amount_minor >= 0),
    currency           char(3)     NOT NULL,
    currency_exponent  smallint    NOT NULL CHECK (currency_exponent BETWEEN 0 AND 4),
    occurred_at        timestamptz NOT NULL,
    received_at        timestamptz NOT NULL,
    visitor_id         text,
    session_id         text,
    customer_id        text,
    email_hash         char(64),
    livemode           boolean     NOT NULL,
    method             text        NOT NULL,
    confidence         text        NOT NULL,
    candidates         integer     NOT NULL,
    reason             text        NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_id, provider, payment_key)
);
CREATE INDEX payments_site_occurred ON payments (site_id, occurred_at);

-- Append-only signed entries: a payment's credits (one row per model x touch), and later the
-- retractions of refunds and re-attributions. entry_id is derived from the entry's facts, so a
-- replay of the job writes the same ids and ON CONFLICT DO NOTHING keeps one row.
CREATE TABLE revenue_ledger (
    entry_id           text        PRIMARY KEY,
    site_id            text        NOT NULL,
    provider           text        NOT NULL,
    payment_key        text        NOT NULL,
    model              text        NOT NULL,
    entry_type         text        NOT NULL CHECK (entry_type IN ('payment', 'refund', 'correction')),
    visitor_id         text,
    session_id         text,
    channel            text        NOT NULL,
    source             text,
    medium             text,
    campaign           text,
    amount_minor       bigint      NOT NULL,
    currency           char(3)     NOT NULL,
    currency_exponent  smallint    NOT NULL,
    payment_at         timestamptz NOT NULL,
    booked_at          timestamptz NOT NULL,
    livemode           boolean     NOT NULL
);
CREATE INDEX revenue_ledger_site_model_channel ON revenue_ledger (site_id, model, channel);
CREATE INDEX revenue_ledger_payment ON revenue_ledger (site_id, provider, payment_key);
