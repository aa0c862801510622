-- Version 5: one payment reported through two doors (a provider's webhook and the Payment API, or
-- two API calls) may disagree. The job keeps one value by a documented rule (the signed webhook
-- wins, then the earliest report) and names here what was reported differently, comma-separated:
-- amount, currency, livemode. NULL when every report agreed.
ALTER TABLE payments ADD COLUMN conflicts text;
