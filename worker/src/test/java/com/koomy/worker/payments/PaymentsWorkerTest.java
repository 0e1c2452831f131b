package com.koomy.worker.payments;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.koomy.testing.TestStack;
import io.dropwizard.testing.ConfigOverride;
import com.koomy.testing.StripeTestEvents;
import com.koomy.stripe.events.IncomingStripeEvent;
import com.koomy.stripe.events.StripeEventReplays;
import com.koomy.stripe.events.StripeEventWrites;
import com.koomy.worker.WorkerConfiguration;
import com.koomy.worker.WorkerTestApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real worker (outbox relay, JobRunr, the payment handlers it registers): a dues payment event goes
 * the whole way to a payment, a paid-until date and a receipt; a refund that failed for good is replayed
 * through a suffixed outbox ref; the recurring jobs are registered with their stable ids.
 */
class PaymentsWorkerTest {

    @RegisterExtension
    static TestStack<WorkerConfiguration> stack = WorkerTestApp.withStripe(
            ConfigOverride.config("jobs.stripeEventRetries", "0"),
            ConfigOverride.config("stripe.apiKey", "sk_test_worker"));

    private record Dues(UUID community, UUID member, UUID checkout, String account) {
    }

    /** A community with an onboarded account, a yearly tier, a member and that member's checkout. */
    private static Dues dues() {
        UUID community = UUID.randomUUID();
        UUID member = UUID.randomUUID();
        UUID tier = UUID.randomUUID();
        UUID checkout = UUID.randomUUID();
        String account = "acct_1W" + UUID.randomUUID().toString().replace("-", "").substring(0, 14);
        stack.db.jdbi().useHandle(h -> {
            h.execute("INSERT INTO accounts (id, email, name, locale, password_hash) VALUES (?, ?, 'Wendy Worker', 'fr', 'x')",
                    member, "wendy-" + member + "@example.org");
            h.execute("INSERT INTO communities (id, name, slug) VALUES (?, 'Club du worker', ?)", community, "club-" + member);
            h.execute("INSERT INTO memberships (community_id, account_id) VALUES (?, ?)", community, member);
            h.execute("INSERT INTO stripe_connect_accounts (community_id, account_id, charges_enabled) VALUES (?, ?, true)",
                    community, account);
            h.execute("INSERT INTO dues_tiers (id, community_id, name, amount, currency, period) VALUES (?, ?, 'Annuelle', 3000, 'eur', 'yearly')",
                    tier, community);
            h.execute("INSERT INTO dues_checkouts (id, community_id, account_id, tier_id, stripe_account, amount, currency, "
                    + "application_fee) VALUES (?, ?, ?, ?, ?, 3000, 'eur', 90)", checkout, community, member, tier, account);
        });
        return new Dues(community, member, checkout, account);
    }

    private static String store(String type, ObjectNode object, String account) {
        String id = StripeTestEvents.newEventId();
        String payload = StripeTestEvents.event(id, type, object, account, Instant.now().getEpochSecond(), false);
        stack.db.jdbi().useHandle(h -> StripeEventWrites.storeIfAbsent(h, new IncomingStripeEvent(
                id, type, false, account, "2024-06-20", Instant.now(), payload)));
        return id;
    }

    private static ObjectNode intent(Dues d, String pi) {
        ObjectNode o = StripeTestEvents.object("payment_intent");
        o.put("id", pi);
        o.put("amount", 3000);
        o.put("amount_received", 3000);
        o.put("currency", "eur");
        o.put("status", "succeeded");
        ObjectNode m = o.putObject("metadata");
        m.put("koomy_kind", "dues");
        m.put("koomy_community_id", d.community().toString());
        m.put("koomy_account_id", d.member().toString());
        m.put("koomy_checkout_id", d.checkout().toString());
        return o;
    }

    private static String status(String eventId) {
        return stack.db.jdbi().withHandle(h -> h.createQuery("SELECT status FROM stripe_events WHERE event_id = :id")
                .bind("id", eventId).mapTo(String.class).one());
    }

    private static long count(String sql, Object arg) {
        return stack.db.jdbi().withHandle(h -> h.createQuery(sql).bind(0, arg).mapTo(Long.class).one());
    }

    @Test
    void aDuesPaymentGoesTheWholeWayAndAFailedRefundIsReplayed() {
        Dues d = dues();
        String pi = "pi_worker" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        ObjectNode charge = StripeTestEvents.object("charge");
        charge.put("payment_intent", pi);
        charge.put("amount", 3000);
        charge.put("amount_refunded", 3000);
        charge.put("refunded", true);
        // The refund first: it fails (no payment yet) and, with no retries left, is marked failed.
        String refund = store("charge.refunded", charge, d.account());
        await().atMost(Duration.ofSeconds(60)).until(() -> "failed".equals(status(refund)));

        String paid = store("payment_intent.succeeded", intent(d, pi), d.account());
        await().atMost(Duration.ofSeconds(60)).until(() -> "processed".equals(status(paid)));
        assertThat(count("SELECT count(*) FROM payments WHERE payment_intent_id = ? AND status = 'succeeded'", pi)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM memberships WHERE account_id = ? AND dues_paid_until IS NOT NULL", d.member())).isEqualTo(1);
        await().atMost(Duration.ofSeconds(60)).until(() -> count(
                "SELECT count(*) FROM emails WHERE template = 'payment_receipt' AND status = 'sent' AND community_id = ?", d.community()) == 1);

        assertThat(new StripeEventReplays(stack.db.jdbi()).replay(refund)).isEqualTo(StripeEventReplays.Outcome.REPLAYED);
        await().atMost(Duration.ofSeconds(60)).until(() -> "processed".equals(status(refund)));
        assertThat(count("SELECT count(*) FROM payments WHERE payment_intent_id = ? AND status = 'refunded'", pi)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM memberships WHERE account_id = ? AND dues_paid_until IS NULL", d.member())).isEqualTo(1);
    }

    @Test
    void theRecurringJobsAreRegisteredWithStableIds() {
        java.util.List<String> ids = stack.db.jdbi().withHandle(h -> h.createQuery(
                "SELECT trim(id) FROM jobrunr.jobrunr_recurring_jobs ORDER BY 1").mapTo(String.class).list());
        assertThat(ids).contains("dues-reminders", "stripe-reconciliation");
    }
}
