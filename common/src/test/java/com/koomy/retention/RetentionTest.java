package com.koomy.retention;

import com.koomy.config.RetentionFactory;
import com.koomy.testing.TestDatabase;
import com.koomy.stripe.events.IncomingStripeEvent;
import com.koomy.stripe.events.StripeEventWrites;
import io.dropwizard.util.Duration;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each family's retention on real PostgreSQL: rows older than the policy go, younger ones stay, payments and
 * receipts are touched by no family but their own (PaymentsRetentionTest), dedupe of Stripe events holds for a
 * redelivery after a pass, and the SendGrid counters equal the events they replaced. Small batches (7 rows) so that every family runs several.
 */
class RetentionTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static RetentionFixture f;
    private static UUID community;
    private static UUID account;

    @BeforeAll
    static void setUp() {
        f = new RetentionFixture(db.jdbi());
        community = f.community;
        account = f.account;
    }

    private static Jdbi jdbi() {
        return f.jdbi;
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

        assertThat(f.apply(RetentionFamily.STRIPE_EVENTS)).isEqualTo(20);

        assertThat(f.strings("SELECT event_id FROM stripe_events ORDER BY event_id"))
                .containsExactly("evt_old_failed", "evt_old_replayed", "evt_old_unsettled", "evt_recent");
        // Stripe redelivers the 20-day-old event (or reconciliation lists it): stored once, nothing queued again.
        long outboxBefore = f.count("SELECT count(*) FROM outbox");
        IncomingStripeEvent again = new IncomingStripeEvent("evt_recent", "invoice.paid", false, null, null,
                Instant.now().minus(20, ChronoUnit.DAYS), "{}");
        Set<String> stored = jdbi().inTransaction(h -> StripeEventWrites.storeAllIfAbsent(h, List.of(again)));
        assertThat(stored).isEmpty();
        assertThat(f.count("SELECT count(*) FROM outbox")).isEqualTo(outboxBefore);
        assertThat(f.apply(RetentionFamily.STRIPE_EVENTS)).as("a second pass has nothing to do").isZero();
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

        assertThat(f.apply(RetentionFamily.EMAIL_BODIES)).isEqualTo(10);

        assertThat(f.strings("""
                SELECT idempotency_key FROM emails WHERE html_body IS NULL AND text_body IS NULL AND subject = 'Hello'
                   AND bodies_purged_at IS NOT NULL ORDER BY 1"""))
                .hasSize(10).allMatch(key -> key.startsWith("old-sent-"));
        assertThat(f.count("SELECT count(*) FROM emails WHERE html_body IS NOT NULL AND bodies_purged_at IS NULL")).isEqualTo(2);
        assertThat(f.count("SELECT count(*) FROM emails")).isEqualTo(12);
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

        assertThat(f.apply(RetentionFamily.ACCOUNT_TOKENS)).isEqualTo(10);

        assertThat(f.strings("SELECT convert_from(token_hash, 'UTF8') FROM account_tokens ORDER BY 1")).containsExactly("expired6d", "live", "used6d");
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

        assertThat(f.apply(RetentionFamily.CHECKIN_SCANS)).isEqualTo(15);

        assertThat(f.count("SELECT count(*) FROM checkin_scans WHERE event_id = '" + recent + "'")).isEqualTo(15);
        assertThat(f.count("SELECT count(*) FROM checkin_scans WHERE event_id = '" + old + "'")).isZero();
        assertThat(f.count("SELECT count(*) FROM events WHERE id = '" + old + "'")).as("the event stays").isEqualTo(1);
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
    void paymentsReceiptsAndRefundsAreTouchedByNoOtherFamilyThanTheirOwn() throws InterruptedException {
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
        String before = f.strings(snapshot).get(0);

        for (RetentionFamily family : RetentionFamily.values()) {
            // JobRunr's tables: the worker's test; payments' own family: PaymentsRetentionTest.
            if (family != RetentionFamily.FAILED_JOBS && family != RetentionFamily.PAYMENTS) {
                f.apply(family);
            }
        }

        assertThat(f.strings(snapshot).get(0)).isEqualTo(before).startsWith("1/1/1/");
    }

    @Test
    void theDefaultsAreThePolicy() {
        RetentionFactory defaults = new RetentionFactory();
        assertThat(Map.ofEntries(
                Map.entry(RetentionFamily.STRIPE_EVENTS, 90L), Map.entry(RetentionFamily.SENDGRID_EVENTS, 30L),
                Map.entry(RetentionFamily.EMAIL_BODIES, 30L), Map.entry(RetentionFamily.ACCOUNT_TOKENS, 7L),
                Map.entry(RetentionFamily.CHECKIN_SCANS, 365L), Map.entry(RetentionFamily.FAILED_JOBS, 30L),
                Map.entry(RetentionFamily.NEWSLETTER_RECIPIENTS, 365L), Map.entry(RetentionFamily.ACCOUNT_EXPORTS, 7L),
                Map.entry(RetentionFamily.EMAIL_ADDRESSES, 365L), Map.entry(RetentionFamily.DUES_CHECKOUTS, 90L),
                Map.entry(RetentionFamily.MEMBERSHIP_REQUESTS, 365L), Map.entry(RetentionFamily.INVITATIONS, 90L),
                Map.entry(RetentionFamily.CONTENT_BUDGET_USAGE, 90L), Map.entry(RetentionFamily.PAYMENTS, 3653L)))
                .hasSize(RetentionFamily.values().length)
                .allSatisfy((family, days) -> assertThat(family.keep(defaults).toDays()).as(family.name()).isEqualTo(days));
        assertThat(defaults.getBatchSize()).isEqualTo(5000);
        defaults.setStripeEvents(Duration.days(20));
        assertThat(defaults.isStripeEventsLongerThanRedelivery()).as("shorter than Stripe's 30 days is refused").isFalse();
        defaults.setPayments(Duration.days(3652));
        assertThat(defaults.isPaymentsTenYears()).as("less than the 10 years of Code de commerce L123-22 is refused").isFalse();
        defaults.setEmailAddresses(Duration.days(20));
        assertThat(defaults.isEmailAddressesAfterBodies()).as("addresses purged before the bodies is refused").isFalse();
        defaults.setDuesCheckouts(Duration.days(29));
        assertThat(defaults.isDuesCheckoutsLongerThanStripeEvents()).as("shorter than Stripe's 30 days is refused").isFalse();
    }
}
