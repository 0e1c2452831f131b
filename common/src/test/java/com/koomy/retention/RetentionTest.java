package com.koomy.retention;

import com.codahale.metrics.MetricRegistry;
import com.koomy.config.RetentionFactory;
import com.koomy.newsletters.CommunityNewsletters;
import com.koomy.newsletters.NewsletterView;
import com.koomy.testing.TestDatabase;
import com.koomy.webhooks.IncomingStripeEvent;
import com.koomy.webhooks.StripeEventWrites;
import io.dropwizard.util.Duration;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each family's retention on real PostgreSQL: rows older than the policy go, younger ones stay, payments and
 * receipts are never touched, dedupe of Stripe events holds for a redelivery after a pass, and the SendGrid
 * counters equal the events they replaced. Small batches (7 rows) so that every family runs several.
 */
class RetentionTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static final RetentionFactory CONFIG = new RetentionFactory();
    private static ApplyRetentionJob retention;
    private static UUID community;
    private static UUID account;

    @BeforeAll
    static void setUp() {
        CONFIG.setBatchSize(7);
        CONFIG.setPauseBetweenBatches(Duration.milliseconds(0));
        retention = new ApplyRetentionJob(SqlRetention.batches(db.jdbi()), CONFIG, Clock.systemUTC(), new MetricRegistry());
        community = UUID.randomUUID();
        account = UUID.randomUUID();
        db.jdbi().useHandle(h -> {
            h.execute("INSERT INTO accounts (id, email, name, password_hash) VALUES (?, 'ret@example.org', 'Ret', 'x')", account);
            h.execute("INSERT INTO communities (id, name, slug) VALUES (?, 'Club', 'club-retention')", community);
        });
    }

    private static Jdbi jdbi() {
        return db.jdbi();
    }

    private static long count(String sql) {
        return jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    private static List<String> strings(String sql) {
        return jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
    }

    private static void stripeEvent(Handle h, String id, String status, int createdDaysAgo, Integer settledDaysAgo) {
        h.execute("""
                INSERT INTO stripe_events (event_id, type, livemode, stripe_created, payload, received_at, status, processed_at)
                VALUES (?, 'invoice.paid', false, now() - make_interval(days => ?), '{}', now() - make_interval(days => ?), ?,
                        now() - make_interval(days => ?))
                """, id, createdDaysAgo, createdDaysAgo, status, settledDaysAgo);
    }

    @Test
    void settledStripeEventsGoAfterNinetyDaysAndARedeliveryWithinThirtyIsStillDeduped() throws InterruptedException {
        jdbi().useHandle(h -> {
            for (int i = 0; i < 20; i++) {
                stripeEvent(h, "evt_old_" + i, i % 3 == 0 ? "ignored" : i % 3 == 1 ? "refused" : "processed", 100, 99);
            }
            stripeEvent(h, "evt_recent", "processed", 20, 20);
            stripeEvent(h, "evt_old_failed", "failed", 100, 99);
            stripeEvent(h, "evt_old_unsettled", "received", 100, null);
            // Created and received long ago, settled recently (an operator's replay): its 90 days count from settling.
            stripeEvent(h, "evt_old_replayed", "processed", 100, 10);
        });

        assertThat(retention.apply(RetentionFamily.STRIPE_EVENTS)).isEqualTo(20);

        assertThat(strings("SELECT event_id FROM stripe_events ORDER BY event_id"))
                .containsExactly("evt_old_failed", "evt_old_replayed", "evt_old_unsettled", "evt_recent");
        // Stripe redelivers the 20-day-old event (or reconciliation lists it): stored once, nothing queued again.
        long outboxBefore = count("SELECT count(*) FROM outbox");
        IncomingStripeEvent again = new IncomingStripeEvent("evt_recent", "invoice.paid", false, null, null,
                Instant.now().minus(20, ChronoUnit.DAYS), "{}");
        Set<String> stored = jdbi().inTransaction(h -> StripeEventWrites.storeAllIfAbsent(h, List.of(again)));
        assertThat(stored).isEmpty();
        assertThat(count("SELECT count(*) FROM outbox")).isEqualTo(outboxBefore);
        assertThat(retention.apply(RetentionFamily.STRIPE_EVENTS)).as("a second pass has nothing to do").isZero();
    }

    @Test
    void sendGridEventsAreCountedPerEmailBeforeTheyGoAndTheCountersEqualTheEventsReplaced() throws InterruptedException {
        jdbi().useHandle(h -> {
            // 40 old events over 3 messages (and some without a key), 5 recent ones.
            String[] events = {"delivered", "open", "click", "bounce"};
            for (int i = 0; i < 40; i++) {
                String key = i % 5 == 4 ? null : "newsletter:n1:" + (i % 3);
                h.execute("""
                        INSERT INTO sendgrid_events (sg_event_id, event, email, koomy_key, occurred_at, payload, received_at)
                        VALUES (?, ?, 'a@example.org', ?, now() - make_interval(days => 40 + ?), '{}', now() - make_interval(days => 31))
                        """, "sg_old_" + i, events[i % events.length], key, i);
            }
            for (int i = 0; i < 5; i++) {
                h.execute("""
                        INSERT INTO sendgrid_events (sg_event_id, event, email, koomy_key, occurred_at, payload, received_at)
                        VALUES (?, 'open', 'a@example.org', 'newsletter:n1:0', now() - interval '1 day', '{}', now() - interval '1 day')
                        """, "sg_new_" + i);
            }
            // An old event behind a suppression stays: a group resubscribe compares its group and time with it.
            h.execute("""
                    INSERT INTO sendgrid_events (sg_event_id, event, email, koomy_key, occurred_at, payload, received_at)
                    VALUES ('sg_old_suppression', 'group_unsubscribe', 'b@example.org', 'k', now() - interval '60 days',
                            '{"asm_group_id": 7}', now() - interval '60 days')
                    """);
            h.execute("INSERT INTO email_suppressions (email, reason, scope, sg_event_id) "
                    + "VALUES ('b@example.org', 'group_unsubscribe', 'bulk', 'sg_old_suppression')");
        });
        String perKeyAndEvent = """
                SELECT coalesce(koomy_key, '') || '/' || event || '=' || count(*) FROM sendgrid_events
                 WHERE sg_event_id LIKE 'sg_old_%' AND sg_event_id <> 'sg_old_suppression' GROUP BY koomy_key, event ORDER BY 1
                """;
        List<String> before = strings(perKeyAndEvent);

        assertThat(retention.apply(RetentionFamily.SENDGRID_EVENTS)).isEqualTo(40);
        assertThat(retention.apply(RetentionFamily.SENDGRID_EVENTS)).as("idempotent").isZero();

        String mine = " FROM sendgrid_event_counts WHERE koomy_key = '' OR koomy_key LIKE 'newsletter:n1:%'";
        assertThat(strings("SELECT koomy_key || '/' || event || '=' || events" + mine + " ORDER BY 1"))
                .isEqualTo(before).hasSizeGreaterThan(12);
        assertThat(count("SELECT sum(events)" + mine)).isEqualTo(40);
        assertThat(strings("SELECT sg_event_id FROM sendgrid_events WHERE sg_event_id NOT LIKE 'sg_nl_%' ORDER BY 1"))
                .containsExactly("sg_new_0", "sg_new_1", "sg_new_2", "sg_new_3", "sg_new_4", "sg_old_suppression");
        // first/last: the oldest and newest occurrence folded into each counter.
        assertThat(count("SELECT count(*) FROM sendgrid_event_counts WHERE first_at > last_at")).isZero();
    }

    @Test
    void renderedBodiesOfSettledEmailsArePurgedAfterThirtyDaysAndTheRowStays() throws InterruptedException {
        jdbi().useHandle(h -> {
            for (int i = 0; i < 10; i++) {
                email(h, "old-sent-" + i, i % 2 == 0 ? "sent" : "failed", 40);
            }
            email(h, "young-sent", "sent", 20);
            email(h, "old-queued", "queued", 40);
        });

        assertThat(retention.apply(RetentionFamily.EMAIL_BODIES)).isEqualTo(10);

        assertThat(strings("""
                SELECT idempotency_key FROM emails WHERE html_body IS NULL AND text_body IS NULL AND subject = 'Hello'
                   AND bodies_purged_at IS NOT NULL ORDER BY 1"""))
                .hasSize(10).allMatch(key -> key.startsWith("old-sent-"));
        assertThat(count("SELECT count(*) FROM emails WHERE html_body IS NOT NULL AND bodies_purged_at IS NULL")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM emails")).isEqualTo(12);
    }

    private static void email(Handle h, String key, String status, int daysAgo) {
        h.execute("""
                INSERT INTO emails (id, idempotency_key, template, locale, recipients, status, subject, html_body, text_body, created_at)
                VALUES (?, ?, 'welcome', 'fr', '[]', ?, 'Hello', '<p>Hello Ada</p>', 'Hello Ada', now() - make_interval(days => ?))
                """, UUID.randomUUID(), key, status, daysAgo);
    }

    @Test
    void usedAndExpiredTokensGoSevenDaysLater() throws InterruptedException {
        jdbi().useHandle(h -> {
            for (int i = 0; i < 9; i++) {
                token(h, "expired8d" + i, "now() - interval '8 days'", null);
            }
            token(h, "used8d", "now() + interval '30 days'", "now() - interval '8 days'");
            token(h, "expired6d", "now() - interval '6 days'", null);
            token(h, "used6d", "now() + interval '1 day'", "now() - interval '6 days'");
            token(h, "live", "now() + interval '1 day'", null);
        });

        assertThat(retention.apply(RetentionFamily.ACCOUNT_TOKENS)).isEqualTo(10);

        assertThat(strings("SELECT convert_from(token_hash, 'UTF8') FROM account_tokens ORDER BY 1")).containsExactly("expired6d", "live", "used6d");
    }

    private static void token(Handle h, String name, String expiresAt, String usedAt) {
        h.execute("INSERT INTO account_tokens (token_hash, account_id, purpose, expires_at, used_at, created_at) "
                + "VALUES (convert_to(?, 'UTF8'), ?, 'password_reset', " + expiresAt + ", " + usedAt + ", now() - interval '40 days')",
                name, account);
    }

    @Test
    void scansAreKeptWithTheirEventForAYearAfterItEnded() throws InterruptedException {
        UUID old = event(400);
        UUID recent = event(300);
        jdbi().useHandle(h -> {
            h.execute("""
                    INSERT INTO checkin_scans (event_id, scan_id, ticket_id, gate, result, scanned_at)
                    SELECT e, 'scan-' || i, gen_random_uuid(), 'north', 'admitted', now() FROM unnest(ARRAY[?, ?]) e, generate_series(1, 15) i
                    """, old, recent);
        });

        assertThat(retention.apply(RetentionFamily.CHECKIN_SCANS)).isEqualTo(15);

        assertThat(count("SELECT count(*) FROM checkin_scans WHERE event_id = '" + recent + "'")).isEqualTo(15);
        assertThat(count("SELECT count(*) FROM checkin_scans WHERE event_id = '" + old + "'")).isZero();
        assertThat(count("SELECT count(*) FROM events WHERE id = '" + old + "'")).as("the event stays").isEqualTo(1);
    }

    private static UUID event(int endedDaysAgo) {
        UUID id = UUID.randomUUID();
        jdbi().useHandle(h -> h.execute("""
                INSERT INTO events (id, community_id, title, starts_at, ends_at, time_zone)
                VALUES (?, ?, 'Gala', now() - make_interval(days => ?, hours => 3), now() - make_interval(days => ?), 'Europe/Paris')
                """, id, community, endedDaysAgo, endedDaysAgo));
        return id;
    }

    @Test
    void paymentsReceiptsAndRefundsAreNeverTouched() throws InterruptedException {
        UUID payment = UUID.randomUUID();
        jdbi().useHandle(h -> {
            h.execute("""
                    INSERT INTO payments (id, community_id, account_id, stripe_account, payment_intent_id, amount, currency, status,
                                          paid_at, created_at)
                    VALUES (?, ?, ?, 'acct_1', 'pi_ancient', 3000, 'eur', 'succeeded', now() - interval '11 years',
                            now() - interval '11 years')
                    """, payment, community, account);
            h.execute("INSERT INTO receipts (payment_id, community_id, year, number, issued_at) "
                    + "VALUES (?, ?, 2015, 1, now() - interval '11 years')", payment, community);
            h.execute("INSERT INTO payment_refunds (id, payment_id, community_id, amount, client_key, created_at) "
                    + "VALUES (?, ?, ?, 100, 'k1', now() - interval '11 years')", UUID.randomUUID(), payment, community);
        });
        String snapshot = "SELECT (SELECT count(*) FROM payments) || '/' || (SELECT count(*) FROM receipts) || '/' "
                + "|| (SELECT count(*) FROM payment_refunds) || '/' || (SELECT md5(string_agg(p::text, ',')) FROM payments p)";
        String before = strings(snapshot).get(0);

        for (RetentionFamily family : RetentionFamily.values()) {
            if (family != RetentionFamily.FAILED_JOBS) { // JobRunr's tables: the worker's test
                retention.apply(family);
            }
        }

        assertThat(strings(snapshot).get(0)).isEqualTo(before).startsWith("1/1/1/");
    }

    @Test
    void theDefaultsAreThePolicy() {
        RetentionFactory defaults = new RetentionFactory();
        assertThat(Map.of(
                RetentionFamily.STRIPE_EVENTS, 90L, RetentionFamily.SENDGRID_EVENTS, 30L, RetentionFamily.EMAIL_BODIES, 30L,
                RetentionFamily.ACCOUNT_TOKENS, 7L, RetentionFamily.CHECKIN_SCANS, 365L, RetentionFamily.FAILED_JOBS, 30L))
                .allSatisfy((family, days) -> assertThat(family.keep(defaults).toDays()).as(family.name()).isEqualTo(days));
        assertThat(defaults.getBatchSize()).isEqualTo(5000);
        defaults.setStripeEvents(Duration.days(20));
        assertThat(defaults.isStripeEventsLongerThanRedelivery()).as("shorter than Stripe's 30 days is refused").isFalse();
    }

    @Test
    void aNewslettersBouncesAndUnsubscribesCountTheSameAfterItsEventsWereFoldedIntoCounters() throws InterruptedException {
        UUID newsletter = UUID.randomUUID();
        jdbi().useHandle(h -> {
            h.execute("INSERT INTO memberships (community_id, account_id, role, status) VALUES (?, ?, 'owner', 'active') "
                    + "ON CONFLICT DO NOTHING", community, account);
            h.execute("INSERT INTO newsletters (id, community_id, idempotency_key, locale, subject, body, status) "
                    + "VALUES (?, ?, ?, 'fr', 'News', 'Hello', 'sent')", newsletter, community, "nl-" + newsletter);
            String[] events = {"bounce", "bounce", "dropped", "unsubscribe", "group_unsubscribe", "open", "open"};
            for (int i = 0; i < events.length; i++) {
                // Half of them old (counted and deleted by retention), half recent (still rows).
                h.execute("""
                        INSERT INTO sendgrid_events (sg_event_id, event, email, koomy_key, occurred_at, payload, received_at)
                        VALUES (?, ?, 'c@example.org', ?, now() - make_interval(days => ?), '{}', now() - make_interval(days => ?))
                        """, "sg_nl_" + i, events[i], "newsletter:" + newsletter + ":" + (i % 2), i % 2 == 0 ? 40 : 1, i % 2 == 0 ? 40 : 1);
            }
        });
        CommunityNewsletters newsletters = new CommunityNewsletters(jdbi(), null, null, true, Clock.systemUTC());
        NewsletterView.Stats before = newsletters.get(community, account, newsletter).stats();

        retention.apply(RetentionFamily.SENDGRID_EVENTS);

        assertThat(count("SELECT count(*) FROM sendgrid_events WHERE sg_event_id LIKE 'sg_nl_%'")).isEqualTo(3);
        assertThat(newsletters.get(community, account, newsletter).stats()).isEqualTo(before);
        assertThat(before.bounced()).isEqualTo(3);
        assertThat(before.unsubscribed()).isEqualTo(2);
    }
}
