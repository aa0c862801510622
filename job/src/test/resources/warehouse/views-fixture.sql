-- Hand-written warehouse rows for WarehouseViewsIT, GrafanaDashboardIT and the dashboard preview.
-- Site 'shop' reports in USD and buckets days in Europe/Berlin; site 'solo' has no settings (USD,
-- UTC). Two models are booked (last_touch, linear). Every expected number in WarehouseViewsIT is
-- computed by hand from these rows.
--
-- Payments (site shop):
--   P1 stripe pi_1   100.00 USD  2025-01-12 10:00Z  v1, touches s1 (Paid Search, spring) + s2
--                    (Direct); refunded 30.00 on 2025-02-03. metadata/high, new.
--   P2 paddle txn_2   50.00 EUR  2025-01-31 23:30Z (= 2025-02-01 00:30 in Berlin)  v2, s3 (Paid
--                    Social, Facebook/paid_social/Launch). email/medium, new.
--   P3 stripe pi_3   200.00 USD  2025-02-10 12:00Z  first guessed as v4's s5 (Organic Search),
--                    corrected on 2025-03-02 to v3's s4 (Paid Search, spring). customer/high,
--                    renewal of sub_1.
--   P4 razorpay pay_4  1000 JPY  2025-02-15 05:00Z  unattributed; fully refunded 2025-02-20.
--   P5 stripe pi_5    40.00 GBP  2025-03-05 12:00Z  v1, s2 (Direct). No GBP rate exists.
--   P6 stripe pi_6    10.00 USD  2025-01-20 12:00Z  test mode, v5, s6 (Direct).
-- Site solo: P7 stripe pi_7 25.00 USD 2025-01-31 23:30Z v9, s9 (Referral), last_touch only.

INSERT INTO site_settings (site_id, reporting_currency, time_zone)
VALUES ('shop', 'USD', 'Europe/Berlin');

INSERT INTO sessions (site_id, session_id, visitor_id, started_at, last_seen_at, pageviews, channel,
                      source, medium, campaign, term, content, referrer, referrer_host, landing_page)
VALUES
 ('shop', 's1', 'v1', '2025-01-10T09:00Z', '2025-01-10T09:05Z', 2, 'Paid Search', 'google', 'cpc', 'spring', NULL, NULL, 'https://www.google.com/', 'google.com', '/'),
 ('shop', 's2', 'v1', '2025-01-12T09:50Z', '2025-01-12T10:00Z', 3, 'Direct', NULL, NULL, NULL, NULL, NULL, NULL, NULL, '/pricing'),
 ('shop', 's3', 'v2', '2025-01-31T23:00Z', '2025-01-31T23:30Z', 4, 'Paid Social', 'Facebook', 'paid_social', 'Launch', NULL, NULL, 'https://facebook.com/', 'facebook.com', '/'),
 ('shop', 's4', 'v3', '2025-02-10T11:30Z', '2025-02-10T11:59Z', 5, 'Paid Search', 'google', 'cpc', 'spring', NULL, NULL, 'https://www.google.com/', 'google.com', '/'),
 ('shop', 's5', 'v4', '2025-02-10T11:40Z', '2025-02-10T11:58Z', 1, 'Organic Search', 'google', 'organic', NULL, NULL, NULL, 'https://www.google.com/', 'google.com', '/blog'),
 ('shop', 's6', 'v5', '2025-01-20T11:00Z', '2025-01-20T11:30Z', 2, 'Direct', NULL, NULL, NULL, NULL, NULL, NULL, NULL, '/'),
 ('solo', 's9', 'v9', '2025-01-31T23:00Z', '2025-01-31T23:20Z', 1, 'Referral', 'example.org', 'referral', NULL, NULL, NULL, 'https://example.org/', 'example.org', '/');

INSERT INTO payments (site_id, provider, payment_key, event_id, event_type, amount_minor,
                      refunded_minor, chargeback, currency, currency_exponent, occurred_at,
                      received_at, visitor_id, session_id, customer_id, livemode, method,
                      confidence, candidates, reason, subscription_id, renewal)
VALUES
 ('shop', 'stripe', 'pi_1', 'evt_1', 'charge.succeeded', 10000, 3000, false, 'USD', 2, '2025-01-12T10:00Z', '2025-01-12T10:00:01Z', 'v1', 's2', 'cus_1', true, 'metadata', 'high', 1, 'metadata visitor id', NULL, false),
 ('shop', 'paddle', 'txn_2', 'evt_2', 'transaction.paid', 5000, 0, false, 'EUR', 2, '2025-01-31T23:30Z', '2025-01-31T23:30:01Z', 'v2', 's3', 'ctm_2', true, 'email', 'medium', 1, 'email matched', NULL, false),
 ('shop', 'stripe', 'pi_3', 'evt_3', 'invoice.paid', 20000, 0, false, 'USD', 2, '2025-02-10T12:00Z', '2025-02-10T12:00:01Z', 'v3', 's4', 'cus_3', true, 'customer', 'high', 1, 'customer seen before', 'sub_1', true),
 ('shop', 'razorpay', 'pay_4', 'evt_4', 'payment.captured', 1000, 1000, false, 'JPY', 0, '2025-02-15T05:00Z', '2025-02-15T05:00:01Z', NULL, NULL, NULL, true, 'unattributed', 'none', 0, 'no link', NULL, false),
 ('shop', 'stripe', 'pi_5', 'evt_5', 'charge.succeeded', 4000, 0, false, 'GBP', 2, '2025-03-05T12:00Z', '2025-03-05T12:00:01Z', 'v1', 's2', 'cus_1', true, 'metadata', 'high', 1, 'metadata visitor id', NULL, false),
 ('shop', 'stripe', 'pi_6', 'evt_6', 'charge.succeeded', 1000, 0, false, 'USD', 2, '2025-01-20T12:00Z', '2025-01-20T12:00:01Z', 'v5', 's6', NULL, false, 'metadata', 'high', 1, 'metadata visitor id', NULL, false),
 ('solo', 'stripe', 'pi_7', 'evt_7', 'charge.succeeded', 2500, 0, false, 'USD', 2, '2025-01-31T23:30Z', '2025-01-31T23:30:01Z', 'v9', 's9', NULL, true, 'metadata', 'high', 1, 'metadata visitor id', NULL, false);

-- The audit table of refunds: the views must not count these again (the ledger holds them).
INSERT INTO refunds (site_id, provider, payment_key, refund_key, event_id, event_type, kind,
                     amount_minor, cumulative, full_refund, currency, currency_exponent,
                     occurred_at, received_at, livemode)
VALUES
 ('shop', 'stripe', 'pi_1', 're_1', 'evt_r1', 'refund.created', 'refund', 3000, false, false, 'USD', 2, '2025-02-03T09:00Z', '2025-02-03T09:00:01Z', true),
 ('shop', 'razorpay', 'pay_4', 'rfnd_4', 'evt_r4', 'refund.processed', 'refund', 1000, false, false, 'JPY', 0, '2025-02-20T00:00Z', '2025-02-20T00:00:01Z', true);

INSERT INTO revenue_ledger (entry_id, site_id, provider, payment_key, model, entry_type,
                            visitor_id, session_id, channel, source, medium, campaign,
                            amount_minor, currency, currency_exponent, payment_at, booked_at,
                            livemode)
VALUES
 -- P1: last touch = s2 (Direct); linear = half each; refund 30.00 retracted in proportion.
 ('e1',  'shop', 'stripe', 'pi_1', 'last_touch', 'payment', 'v1', 's2', 'Direct', NULL, NULL, NULL, 10000, 'USD', 2, '2025-01-12T10:00Z', '2025-01-12T10:00Z', true),
 ('e2',  'shop', 'stripe', 'pi_1', 'linear', 'payment', 'v1', 's1', 'Paid Search', 'google', 'cpc', 'spring', 5000, 'USD', 2, '2025-01-12T10:00Z', '2025-01-12T10:00Z', true),
 ('e3',  'shop', 'stripe', 'pi_1', 'linear', 'payment', 'v1', 's2', 'Direct', NULL, NULL, NULL, 5000, 'USD', 2, '2025-01-12T10:00Z', '2025-01-12T10:00Z', true),
 ('e4',  'shop', 'stripe', 'pi_1', 'last_touch', 'refund', 'v1', 's2', 'Direct', NULL, NULL, NULL, -3000, 'USD', 2, '2025-01-12T10:00Z', '2025-02-03T09:00Z', true),
 ('e5',  'shop', 'stripe', 'pi_1', 'linear', 'refund', 'v1', 's1', 'Paid Search', 'google', 'cpc', 'spring', -1500, 'USD', 2, '2025-01-12T10:00Z', '2025-02-03T09:00Z', true),
 ('e6',  'shop', 'stripe', 'pi_1', 'linear', 'refund', 'v1', 's2', 'Direct', NULL, NULL, NULL, -1500, 'USD', 2, '2025-01-12T10:00Z', '2025-02-03T09:00Z', true),
 -- P2: one touch (s3) for both models.
 ('e7',  'shop', 'paddle', 'txn_2', 'last_touch', 'payment', 'v2', 's3', 'Paid Social', 'Facebook', 'paid_social', 'Launch', 5000, 'EUR', 2, '2025-01-31T23:30Z', '2025-01-31T23:30Z', true),
 ('e8',  'shop', 'paddle', 'txn_2', 'linear', 'payment', 'v2', 's3', 'Paid Social', 'Facebook', 'paid_social', 'Launch', 5000, 'EUR', 2, '2025-01-31T23:30Z', '2025-01-31T23:30Z', true),
 -- P3: booked on v4's s5, re-attributed on 2025-03-02 to v3's s4.
 ('e9',  'shop', 'stripe', 'pi_3', 'last_touch', 'payment', 'v4', 's5', 'Organic Search', 'google', 'organic', NULL, 20000, 'USD', 2, '2025-02-10T12:00Z', '2025-02-10T12:00Z', true),
 ('e10', 'shop', 'stripe', 'pi_3', 'linear', 'payment', 'v4', 's5', 'Organic Search', 'google', 'organic', NULL, 20000, 'USD', 2, '2025-02-10T12:00Z', '2025-02-10T12:00Z', true),
 ('e11', 'shop', 'stripe', 'pi_3', 'last_touch', 'correction', 'v4', 's5', 'Organic Search', 'google', 'organic', NULL, -20000, 'USD', 2, '2025-02-10T12:00Z', '2025-03-02T08:00Z', true),
 ('e12', 'shop', 'stripe', 'pi_3', 'last_touch', 'correction', 'v3', 's4', 'Paid Search', 'google', 'cpc', 'spring', 20000, 'USD', 2, '2025-02-10T12:00Z', '2025-03-02T08:00Z', true),
 ('e13', 'shop', 'stripe', 'pi_3', 'linear', 'correction', 'v4', 's5', 'Organic Search', 'google', 'organic', NULL, -20000, 'USD', 2, '2025-02-10T12:00Z', '2025-03-02T08:00Z', true),
 ('e14', 'shop', 'stripe', 'pi_3', 'linear', 'correction', 'v3', 's4', 'Paid Search', 'google', 'cpc', 'spring', 20000, 'USD', 2, '2025-02-10T12:00Z', '2025-03-02T08:00Z', true),
 -- P4: unattributed, fully refunded.
 ('e15', 'shop', 'razorpay', 'pay_4', 'last_touch', 'payment', NULL, NULL, '(unattributed)', NULL, NULL, NULL, 1000, 'JPY', 0, '2025-02-15T05:00Z', '2025-02-15T05:00Z', true),
 ('e16', 'shop', 'razorpay', 'pay_4', 'linear', 'payment', NULL, NULL, '(unattributed)', NULL, NULL, NULL, 1000, 'JPY', 0, '2025-02-15T05:00Z', '2025-02-15T05:00Z', true),
 ('e17', 'shop', 'razorpay', 'pay_4', 'last_touch', 'refund', NULL, NULL, '(unattributed)', NULL, NULL, NULL, -1000, 'JPY', 0, '2025-02-15T05:00Z', '2025-02-20T00:00Z', true),
 ('e18', 'shop', 'razorpay', 'pay_4', 'linear', 'refund', NULL, NULL, '(unattributed)', NULL, NULL, NULL, -1000, 'JPY', 0, '2025-02-15T05:00Z', '2025-02-20T00:00Z', true),
 -- P5: GBP on Direct (no GBP rate).
 ('e19', 'shop', 'stripe', 'pi_5', 'last_touch', 'payment', 'v1', 's2', 'Direct', NULL, NULL, NULL, 4000, 'GBP', 2, '2025-03-05T12:00Z', '2025-03-05T12:00Z', true),
 ('e20', 'shop', 'stripe', 'pi_5', 'linear', 'payment', 'v1', 's2', 'Direct', NULL, NULL, NULL, 4000, 'GBP', 2, '2025-03-05T12:00Z', '2025-03-05T12:00Z', true),
 -- P6: test mode.
 ('e21', 'shop', 'stripe', 'pi_6', 'last_touch', 'payment', 'v5', 's6', 'Direct', NULL, NULL, NULL, 1000, 'USD', 2, '2025-01-20T12:00Z', '2025-01-20T12:00Z', false),
 ('e22', 'shop', 'stripe', 'pi_6', 'linear', 'payment', 'v5', 's6', 'Direct', NULL, NULL, NULL, 1000, 'USD', 2, '2025-01-20T12:00Z', '2025-01-20T12:00Z', false),
 -- P7 on site solo.
 ('e23', 'solo', 'stripe', 'pi_7', 'last_touch', 'payment', 'v9', 's9', 'Referral', 'example.org', 'referral', NULL, 2500, 'USD', 2, '2025-01-31T23:30Z', '2025-01-31T23:30Z', true);

-- 1 EUR = 1.10 USD from 2025-01-01, 1.20 USD from 2025-02-01; 1 USD = 125 JPY (used inverted:
-- 1 JPY = 0.008 USD). No GBP rate.
INSERT INTO fx_rates (day, base, quote, rate)
VALUES ('2025-01-01', 'EUR', 'USD', 1.10),
       ('2025-02-01', 'EUR', 'USD', 1.20),
       ('2025-01-01', 'USD', 'JPY', 125);

INSERT INTO campaign_spend (day, site_id, source, medium, campaign, currency, amount_minor,
                            currency_exponent)
VALUES ('2025-01-10', 'shop', 'google', 'cpc', 'spring', 'USD', 8000, 2),
       ('2025-02-10', 'shop', 'google', 'cpc', 'spring', 'USD', 2000, 2),
       ('2025-01-15', 'shop', 'facebook', 'paid_social', 'launch', 'EUR', 2500, 2),
       ('2025-01-20', 'shop', 'bing', 'cpc', 'winter', 'USD', 3000, 2);
