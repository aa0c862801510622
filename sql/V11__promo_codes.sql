-- Version 11: promotion codes as evidence of a campaign (issue #17).
--
-- A payment that names no visitor often still says where it came from: the payer typed SPRING20,
-- the code of the spring newsletter. The site lists its codes in `promo_codes` (loaded like the
-- other reference data: `ReferenceData promo codes.csv`), the job writes the code a payment carried
-- into `payments.promo_code`, and the trigger below credits the code's campaign in place of the
-- links weaker than a code: none ('unattributed'), a guess by time ('timestamp') and the order's
-- own landing page ('landing_page'). Links naming the visitor (metadata, customer, email) stand.
--
-- The mapping is a function of the job's position and of the codes as they are, so it converges
-- whatever comes first:
--   * the job writes a position (first booking, refund, re-attribution): a position of a weaker
--     link with a known code becomes one touch per model, the code's campaign, holding the
--     model's whole credit and refunded part (refunds are taken back from the campaign);
--   * stronger evidence arrives (the job re-attributes the payment to a visitor): the job's new
--     position has a stronger method, stands as written, and the position trigger (V6) books the
--     correction from the campaign to the visitor's touches;
--   * codes are loaded or changed after their payments: `apply_promo_codes(site)` (the loader
--     calls it) offers every payment with a code to the trigger again.
-- Removing a code does not take its credit back from payments already credited; their next
-- position from the job (a refund, a re-attribution), or a replay, does.

ALTER TABLE payments
    ADD COLUMN promo_code text CHECK (char_length(promo_code) BETWEEN 1 AND 100);
COMMENT ON COLUMN payments.promo_code IS
    'the promotion code, coupon or discount the payer used, as the provider names it';

CREATE TABLE promo_codes (
    site_id      text NOT NULL,
    code         text NOT NULL CHECK (char_length(code) BETWEEN 1 AND 100),
    campaign     text NOT NULL,
    source       text,
    medium       text,
    channel      text NOT NULL,
    valid_from   date,
    valid_to     date,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_from <= valid_to)
);
-- Codes match whatever case the payer typed them in (providers treat them so).
CREATE UNIQUE INDEX promo_codes_site_code ON promo_codes (site_id, lower(code));
COMMENT ON TABLE promo_codes IS
    'a site''s promotion codes and the campaign each stands for; valid_from/valid_to inclusive, in '
    'the site''s time zone, open when NULL';

-- The code's campaign for a payment, or nothing: the code as typed in any case, valid on the day
-- of the payment in the site's time zone.
CREATE FUNCTION promo_code_of(p_site text, p_code text, p_at timestamptz)
RETURNS promo_codes LANGUAGE sql STABLE AS $$
    SELECT c.* FROM promo_codes c
    WHERE c.site_id = p_site AND lower(c.code) = lower(p_code)
      AND (p_at AT TIME ZONE (SELECT coalesce(max(s.time_zone), 'UTC')
                              FROM site_settings s WHERE s.site_id = p_site))::date
          BETWEEN coalesce(c.valid_from, '-infinity'::date) AND coalesce(c.valid_to, 'infinity'::date)
$$;

CREATE FUNCTION credit_promo_code() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    code promo_codes;
BEGIN
    IF NEW.promo_code IS NULL OR NEW.credits IS NULL
       OR NEW.method NOT IN ('unattributed', 'timestamp', 'landing_page', 'promo_code') THEN
        RETURN NEW;
    END IF;
    code := promo_code_of(NEW.site_id, NEW.promo_code, NEW.occurred_at);
    IF code.code IS NULL THEN
        RETURN NEW;
    END IF;
    -- per model, the whole credit and refunded part on the code's campaign
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'model', c.model, 'visitor_id', NULL, 'session_id', NULL,
               'channel', code.channel, 'source', code.source, 'medium', code.medium,
               'campaign', code.campaign, 'currency', c.currency,
               'currency_exponent', c.currency_exponent, 'payment_at', c.payment_at,
               'livemode', c.livemode, 'credit_minor', c.credit_minor,
               'refunded_minor', c.refunded_minor) ORDER BY c.model), '[]'::jsonb)
    INTO NEW.credits
    FROM (
        SELECT n.model, n.currency, n.currency_exponent, n.payment_at, n.livemode,
               sum(n.credit_minor) AS credit_minor, sum(n.refunded_minor) AS refunded_minor
        FROM jsonb_to_recordset(NEW.credits) AS n(model text, currency text,
            currency_exponent smallint, payment_at text, livemode boolean, credit_minor bigint,
            refunded_minor bigint)
        GROUP BY n.model, n.currency, n.currency_exponent, n.payment_at, n.livemode
    ) c;
    NEW.method := 'promo_code';
    NEW.confidence := 'campaign';
    NEW.candidates := 0;
    NEW.visitor_id := NULL;
    NEW.session_id := NULL;
    NEW.reason := format('promotion code %s of campaign %s (%s)', code.code, code.campaign,
                         code.channel);
    RETURN NEW;
END
$$;

-- BEFORE: the position the row stands with is the one the journal trigger (AFTER) books.
CREATE TRIGGER payments_credit_promo_code
    BEFORE INSERT OR UPDATE ON payments
    FOR EACH ROW EXECUTE FUNCTION credit_promo_code();

-- Offers a site's payments that carry a code to the trigger again, after its codes changed.
-- Returns how many payments now stand credited to a code.
CREATE FUNCTION apply_promo_codes(p_site text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    UPDATE payments p SET credits = p.credits
    WHERE p.site_id = p_site AND p.promo_code IS NOT NULL
      AND p.method IN ('unattributed', 'timestamp', 'landing_page', 'promo_code');
    SELECT count(*) INTO n FROM payments p
    WHERE p.site_id = p_site AND p.method = 'promo_code';
    RETURN n;
END
$$;
