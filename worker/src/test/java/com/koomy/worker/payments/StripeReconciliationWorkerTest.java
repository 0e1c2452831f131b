package com.koomy.worker.payments;

import com.koomy.stripe.events.IncomingStripeEvent;
import com.koomy.stripe.events.StripeEventWrites;
import com.koomy.testing.TestStack;
import io.dropwizard.testing.ConfigOverride;
import com.koomy.testing.StripeStub;
import com.koomy.testing.StripeTestEvents;
import com.koomy.worker.WorkerConfiguration;
import com.koomy.worker.WorkerTestApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real worker runs the recurring reconciliation (every 10 s here): it fans out one job per scope, each
 * connected account's missed event is ingested by that account's job and its cursor moves on its own, an
 * account whose Stripe calls fail (500) fails only its own job, and an event the webhook brought too is
 * stored once.
 */
class StripeReconciliationWorkerTest {

    private static final int ACCOUNTS = 12;

    @RegisterExtension
    static TestStack<WorkerConfiguration> stack = WorkerTestApp.withStripe(
            ConfigOverride.config("payments.reconcileCron", "*/10 * * * * *"),
            ConfigOverride.config("stripe.apiKey", "sk_test_reconcile_worker"),
            ConfigOverride.config("stripe.maxRetries", "0"));

    private record Missed(String account, String eventId, long created) {
    }

    private static String connectedAccount(String account) {
        UUID community = UUID.randomUUID();
        stack.db.jdbi().useHandle(h -> {
            h.execute("INSERT INTO communities (id, name, slug) VALUES (?, 'Club rattrapage', ?)", community, "rec-" + community);
            h.execute("INSERT INTO stripe_connect_accounts (community_id, account_id, charges_enabled) VALUES (?, ?, true)",
                    community, account);
        });
        return account;
    }

    private static long count(String sql, Object... args) {
        return stack.db.jdbi().withHandle(h -> {
            var query = h.createQuery(sql);
            for (int i = 0; i < args.length; i++) {
                query.bind(i, args[i]);
            }
            return query.mapTo(Long.class).one();
        });
    }

    private static Instant cursor(String scope) {
        return stack.db.jdbi().withHandle(h -> h.createQuery("SELECT last_created FROM stripe_reconcile_cursors WHERE scope = ?")
                .bind(0, scope).mapTo(Instant.class).findOne().orElse(null));
    }

    @Test
    void everyAccountHasItsOwnJobAndCursorAndAFailingOneStopsNoOther() {
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        long now = Instant.now().getEpochSecond();
        List<Missed> missed = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            String account = connectedAccount("acct_1Rec" + run + String.format("%04d", i));
            // A different time per account: each cursor must end on its own account's newest event.
            Missed m = new Missed(account, StripeTestEvents.newEventId(), now - 3_000 + 60L * i);
            missed.add(m);
            stack.stripe.events(account, List.of(StripeTestEvents.event(m.eventId(), "customer.created",
                    StripeTestEvents.object("customer"), null, m.created(), false)));
        }
        String failing = connectedAccount("acct_1RecFail" + run);
        stack.stripe.server().stubFor(get(urlPathEqualTo("/v1/events")).withHeader("Stripe-Account", equalTo(failing))
                .atPriority(1).willReturn(StripeStub.serverError()));
        // The first account's event came by webhook as well, before its job lists it.
        Missed both = missed.get(0);
        String payload = StripeTestEvents.event(both.eventId(), "customer.created", StripeTestEvents.object("customer"),
                both.account(), both.created(), false);
        stack.db.jdbi().useHandle(h -> StripeEventWrites.storeIfAbsent(h, new IncomingStripeEvent(both.eventId(), "customer.created",
                false, both.account(), "2024-06-20", Instant.ofEpochSecond(both.created()), payload)));

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                missed.stream().allMatch(m -> Instant.ofEpochSecond(m.created()).equals(cursor(m.account()))));

        for (Missed m : missed.subList(1, ACCOUNTS)) {
            assertThat(count("SELECT count(*) FROM stripe_events WHERE event_id = ? AND account = ? AND source = 'reconciliation'",
                    m.eventId(), m.account())).as(m.account()).isEqualTo(1);
        }
        // Stored once, by whichever way came first (the webhook); reconciliation's listing changed nothing.
        assertThat(count("SELECT count(*) FROM stripe_events WHERE event_id = ?", both.eventId())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM stripe_events WHERE event_id = ? AND source = 'webhook'", both.eventId())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM stripe_events WHERE event_id = ? AND attempts <= 1", both.eventId())).isEqualTo(1);
        // Each account was listed with its own Stripe-Account, by a job of its own.
        for (Missed m : missed) {
            assertThat(count("SELECT count(*) FROM jobrunr.jobrunr_jobs WHERE jobSignature LIKE '%ReconcileStripeScope%' "
                    + "AND jobAsJson LIKE ?", "%\"" + m.account() + "\"%")).as(m.account()).isGreaterThanOrEqualTo(1);
        }

        // The failing account's job fails (after its retries), its cursor never moved, and it never held up the others.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> count(
                "SELECT count(*) FROM jobrunr.jobrunr_jobs WHERE jobSignature LIKE '%ReconcileStripeScope%' AND state = 'FAILED' "
                        + "AND jobAsJson LIKE ?", "%\"" + failing + "\"%") >= 1);
        assertThat(cursor(failing)).isNull();
        assertThat(stack.stripe.requests("GET", "/v1/events").stream().filter(r -> failing.equals(r.getHeader("Stripe-Account"))))
                .hasSizeGreaterThanOrEqualTo(3); // the first attempt and JobRunr's 2 retries
        // Never two jobs of one scope waiting at once, however many fan-outs ran meanwhile.
        for (String scope : List.of(failing, missed.get(1).account(), missed.get(ACCOUNTS - 1).account())) {
            assertThat(count("SELECT count(*) FROM jobrunr.jobrunr_jobs WHERE jobSignature LIKE '%ReconcileStripeScope%' "
                    + "AND state IN ('SCHEDULED', 'ENQUEUED', 'PROCESSING') AND jobAsJson LIKE ?", "%\"" + scope + "\"%"))
                    .as(scope).isLessThanOrEqualTo(1);
        }
    }
}
