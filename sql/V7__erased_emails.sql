-- Version 7: erasure of one person's email (README, "Personal data").
--
-- The job keeps re-writing a payment's row whenever its position changes (a refund months later),
-- and that row carries the payer's email hash: deleting the hash once would not last. The
-- erasure command (`ForgetEmail`) records the hash here instead, and the trigger below keeps it
-- out of `payments` for good, whoever writes the row. The hash is keyed per site (HMAC with the
-- deployment's key) and cannot be turned back into an address; keeping it is what a suppression
-- list needs.

CREATE TABLE erased_emails (
    site_id     text        NOT NULL,
    email_hash  char(64)    NOT NULL,
    erased_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_id, email_hash)
);

CREATE FUNCTION keep_erased_emails_out() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.email_hash IS NOT NULL AND EXISTS (
        SELECT 1 FROM erased_emails e
        WHERE e.site_id = NEW.site_id AND e.email_hash = NEW.email_hash) THEN
        NEW.email_hash := NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER payments_keep_erased_emails_out
    BEFORE INSERT OR UPDATE OF email_hash ON payments
    FOR EACH ROW EXECUTE FUNCTION keep_erased_emails_out();
