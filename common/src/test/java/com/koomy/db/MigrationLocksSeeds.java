package com.koomy.db;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link MigrationLocksTest} seeds before the migrations it judges: each large table and the INSERT that fills
 * it, at the schema just before V{@value MigrationLocksTest#JUDGED_FROM}, in an order that satisfies the foreign keys.
 * Every retention family finds at least one batch (5,000 rows) to delete in what is seeded.
 */
final class MigrationLocksSeeds {

    private MigrationLocksSeeds() {
    }

    /** Table and INSERT, in order; {@code rows} is the size of the largest tables. */
    static Map<String, String> seeds(int rows) {
        Map<String, String> seeds = new LinkedHashMap<>();
        seeds.put("communities", """
                INSERT INTO communities (id, name, slug)
                SELECT gen_random_uuid(), 'Club ' || i, 'club-' || i FROM generate_series(1, 1000) i""");
        seeds.put("accounts", """
                INSERT INTO accounts (id, email, name, password_hash)
                SELECT gen_random_uuid(), 'm' || i || '@example.org', 'Member ' || i, 'x' FROM generate_series(1, 20000) i""");
        seeds.put("stripe_events", """
                INSERT INTO stripe_events (event_id, type, livemode, stripe_created, payload, received_at, status, processed_at)
                SELECT 'evt_' || i, 'invoice.paid', false, now() - i * interval '1 minute',
                       jsonb_build_object('id', 'evt_' || i, 'object', 'event', 'data', jsonb_build_object('amount', i)),
                       now() - i * interval '1 minute', 'processed', now() - i * interval '1 minute'
                  FROM generate_series(1, %d) i""".formatted(rows));
        seeds.put("sendgrid_events", """
                INSERT INTO sendgrid_events (sg_event_id, event, email, koomy_key, occurred_at, payload, received_at)
                SELECT 'sg_' || i, (ARRAY['delivered', 'open', 'click'])[1 + i %% 3], 'm' || (i %% 20000) || '@example.org',
                       'newsletter:n:' || (i %% 500), now() - i * interval '10 seconds', '{"sg": 1}', now() - i * interval '10 seconds'
                  FROM generate_series(1, %d) i""".formatted(rows));
        seeds.put("email_suppressions", """
                INSERT INTO email_suppressions (email, reason, scope, sg_event_id)
                SELECT 's' || i || '@example.org', 'bounce', 'all', 'sg_' || i FROM generate_series(1, 20000) i""");
        seeds.put("emails", """
                INSERT INTO emails (id, idempotency_key, template, locale, recipients, status, subject, html_body, text_body, created_at)
                SELECT gen_random_uuid(), 'k' || i, 'welcome', 'fr', '[]', 'sent', 'Hello',
                       '<p>' || repeat('Bonjour ', 12) || '</p>', repeat('Bonjour ', 12), now() - i * interval '10 seconds'
                  FROM generate_series(1, %d) i""".formatted(rows));
        seeds.put("account_tokens", """
                INSERT INTO account_tokens (token_hash, account_id, purpose, expires_at)
                SELECT uuid_send(gen_random_uuid()), a.ids[1 + g.i %% 20000], 'password_reset', now() - g.i * interval '1 minute'
                  FROM (SELECT array_agg(id) AS ids FROM accounts) a, generate_series(1, %d) g(i)""".formatted(rows));
        seeds.put("events", """
                INSERT INTO events (id, community_id, title, starts_at, ends_at, time_zone)
                SELECT gen_random_uuid(), c.id, 'Gala', now() - g.i * interval '1 day', now() - g.i * interval '1 day' + interval '3 hours',
                       'Europe/Paris'
                  FROM communities c, generate_series(1, 10) g(i)""");
        seeds.put("checkin_scans", """
                INSERT INTO checkin_scans (event_id, scan_id, ticket_id, gate, result, scanned_at)
                SELECT e.id, 'scan-' || g.i, gen_random_uuid(), 'north', 'admitted', now()
                  FROM (SELECT id FROM events LIMIT 10000) e, generate_series(1, %d) g(i)""".formatted(rows / 10000));
        // Payments (cash: no Stripe ids) paid 11 years ago and before, each with its receipt; V35 changes their keys.
        seeds.put("payments", """
                INSERT INTO payments (id, community_id, account_id, method, amount, currency, status, paid_at, created_at, updated_at)
                SELECT gen_random_uuid(), c.ids[1 + g.i %% 1000], a.ids[1 + g.i %% 20000], 'cash', 3000, 'eur', 'succeeded', t, t, t
                  FROM (SELECT array_agg(id) AS ids FROM communities) c, (SELECT array_agg(id) AS ids FROM accounts) a,
                       generate_series(1, %d) g(i), LATERAL (SELECT now() - interval '11 years' - g.i * interval '20 minutes' AS t) x
                """.formatted(rows));
        seeds.put("receipts", """
                INSERT INTO receipts (payment_id, community_id, year, number, issued_at)
                SELECT id, community_id, extract(year FROM created_at),
                       row_number() OVER (PARTITION BY community_id, extract(year FROM created_at)), created_at FROM payments""");
        seeds.put("newsletters", """
                INSERT INTO newsletters (id, community_id, idempotency_key, locale, subject, body, status, recipients_total,
                                         created_at, fanned_out_at, sent_at)
                SELECT gen_random_uuid(), id, 'nl-' || id, 'fr', 'News', 'Hello', 'sent', 1000, now() - interval '400 days',
                       now() - interval '400 days', now() - interval '400 days' FROM communities LIMIT 200""");
        seeds.put("newsletter_recipients", """
                INSERT INTO newsletter_recipients (newsletter_id, email, name)
                SELECT n.id, 'm' || g.i || '@example.org', 'Member ' || g.i FROM newsletters n, generate_series(1, %d) g(i)
                """.formatted(rows / 200));
        seeds.put("account_exports", """
                INSERT INTO account_exports (id, account_id, status, requested_at, ready_at, downloaded_at)
                SELECT gen_random_uuid(), id, 'downloaded', now() - interval '30 days', now() - interval '30 days',
                       now() - interval '29 days' FROM accounts LIMIT 10000""");
        // The families added with V39/V40: rows past any retention, 10,000 each.
        seeds.put("dues_tiers", """
                INSERT INTO dues_tiers (id, community_id, name, amount, currency, period)
                SELECT gen_random_uuid(), id, 'Adult', 3000, 'eur', 'yearly' FROM communities""");
        seeds.put("dues_checkouts", """
                INSERT INTO dues_checkouts (id, community_id, account_id, tier_id, stripe_account, amount, currency, application_fee,
                                            session_id, created_at)
                SELECT gen_random_uuid(), t.cs[1 + g.i % 1000], a.ids[1 + g.i % 20000], t.ids[1 + g.i % 1000], 'acct_1', 3000,
                       'eur', 0, 'cs_' || g.i, now() - interval '200 days' - g.i * interval '1 minute'
                  FROM (SELECT array_agg(id) AS ids FROM accounts) a, generate_series(1, 10000) g(i),
                       (SELECT array_agg(id ORDER BY id) AS ids, array_agg(community_id ORDER BY id) AS cs FROM dues_tiers) t""");
        seeds.put("membership_requests", """
                INSERT INTO membership_requests (id, community_id, account_id, status, requested_at, decided_at)
                SELECT gen_random_uuid(), c.ids[1 + g.i % 1000], a.ids[1 + g.i % 20000], 'approved',
                       now() - interval '2 years' - g.i * interval '1 minute', now() - interval '2 years'
                  FROM (SELECT array_agg(id) AS ids FROM communities) c, (SELECT array_agg(id) AS ids FROM accounts) a,
                       generate_series(1, 10000) g(i)""");
        seeds.put("invitations", """
                INSERT INTO invitations (token_hash, id, community_id, email, expires_at)
                SELECT uuid_send(gen_random_uuid()), gen_random_uuid(), c.ids[1 + g.i % 1000], 'i' || g.i || '@example.org',
                       now() - interval '200 days' - g.i * interval '1 minute'
                  FROM (SELECT array_agg(id) AS ids FROM communities) c, generate_series(1, 10000) g(i)""");
        seeds.put("content_budget_usage", """
                INSERT INTO content_budget_usage (community_id, day, requests, tokens)
                SELECT id, CAST(now() AS date) - 200 - g.i, 3, 900 FROM communities, generate_series(1, 10) g(i)""");
        return seeds;
    }
}
