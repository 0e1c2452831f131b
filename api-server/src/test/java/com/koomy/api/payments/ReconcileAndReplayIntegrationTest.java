package com.koomy.api.payments;

import com.codahale.metrics.MetricRegistry;
import com.koomy.api.ApiConfiguration;
import com.koomy.config.StripeFactory;
import com.koomy.stripe.StripeGateway;
import com.koomy.testing.TestStack;
import com.koomy.testing.ApiReply;
import com.koomy.testing.StripeTestEvents;
import com.koomy.testing.TestRedis;
import com.koomy.stripe.events.StripeEventDao;
import com.koomy.stripe.events.StripeEventReplays;
import com.koomy.stripe.events.StripeEventStatus;
import com.koomy.stripe.events.StripeReconciler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Events Stripe never delivered are caught up from the Events API; a failed event is replayed by an operator. */
class ReconcileAndReplayIntegrationTest {

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = PaymentsWorld.stack();

    private final PaymentsWorld world = new PaymentsWorld(stack);

    private StripeReconciler reconciler() {
        StripeFactory config = new StripeFactory();
        config.setApiKey("sk_test_reconcile");
        config.setApiBase(stack.stripe.baseUrl());
        return new StripeReconciler(stack.db.jdbi(), new StripeGateway(config, PaymentsWorld.REDIS,
                TestRedis.newKeys(), new MetricRegistry()), Duration.ofHours(1));
    }

    /** Every scope's job, one after the other (what the recurring fan-out queues, without JobRunr). */
    private StripeReconciler.Result catchUp() {
        StripeReconciler reconciler = reconciler();
        List<String> scopes = reconciler.scopes();
        int seen = 0;
        int ingested = 0;
        for (String scope : scopes) {
            StripeReconciler.Result one = reconciler.catchUp(scope);
            seen += one.seen();
            ingested += one.ingested();
        }
        return new StripeReconciler.Result(scopes.size(), seen, ingested);
    }

    private List<String> outboxRefs(String eventId) {
        return stack.db.jdbi().withHandle(h -> h.createQuery("SELECT ref FROM outbox WHERE kind IN ('stripe_event', 'stripe_event_received') AND ref LIKE :p ORDER BY id")
                .bind("p", eventId + "%").mapTo(String.class).list());
    }

    @Test
    void reconciliationIngestsAMissedEventOnceAndTheWorkerAppliesIt() throws Exception {
        PaymentsWorld.Club club = world.club("Club Panne", "acct_1Outage00000001", "yearly");
        PaymentsWorld.Payer payer = world.payer(club, "Pia Missed");
        String pi = PaymentsWorld.pi();
        String missedId = StripeTestEvents.newEventId();
        // The event Stripe could not deliver (our endpoint was down): only the Events API has it. Listed for
        // the connected account, it carries no "account" field; reconciliation knows which account it asked for.
        String missed = StripeTestEvents.event(missedId, "payment_intent.succeeded",
                PaymentsWorld.intent(club, payer, pi, "succeeded"), null, Instant.now().getEpochSecond(), false);
        stack.stripe.events(club.account(), List.of(missed));

        StripeReconciler.Result first = catchUp();
        assertThat(first.ingested()).isEqualTo(1);
        assertThat(first.scopes()).isGreaterThanOrEqualTo(2); // the platform and the connected account
        assertThat(world.count("SELECT count(*) FROM stripe_events WHERE event_id = ? AND source = 'reconciliation' "
                + "AND account = ?", missedId, club.account())).isEqualTo(1);
        assertThat(outboxRefs(missedId)).containsExactly(missedId);
        var listed = stack.stripe.requests("GET", "/v1/events");
        assertThat(listed).anySatisfy(r -> {
            assertThat(r.getHeader("Stripe-Account")).isEqualTo(club.account());
            assertThat(r.getUrl()).contains("delivery_success=false");
        });

        world.job.apply(missedId);
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ?", pi)).isEqualTo(1);
        // Listed again (next run, or Stripe finally delivers it): nothing new, nothing applied twice.
        assertThat(catchUp().ingested()).isZero();
        assertThat(world.deliver(missed)).isEqualTo(200);
        assertThat(world.count("SELECT count(*) FROM dues_extensions d JOIN payments p ON p.id = d.payment_id "
                + "WHERE p.payment_intent_id = ?", pi)).isEqualTo(1);
        // The operator's range command takes every event of the range, delivered or not.
        assertThat(reconciler().range(Instant.now().minusSeconds(3600), Instant.now()).ingested()).isZero();
        stack.stripe.events(club.account(), List.of());
    }

    @Test
    void anOperatorReplaysAFailedEventAndItAppliesOnce() throws Exception {
        PaymentsWorld.Club club = world.club("Club Rejeu", "acct_1Replay00000001", "rolling_year");
        PaymentsWorld.Payer payer = world.payer(club, "Remi Replay");
        String pi = PaymentsWorld.pi();
        long t = Instant.now().getEpochSecond();
        String refund = StripeTestEvents.event(StripeTestEvents.newEventId(), "charge.refunded",
                PaymentsWorld.refundedCharge(pi, 2500), club.account(), t + 10, false);
        assertThat(world.deliver(refund)).isEqualTo(200);
        String refundId = refund.substring(refund.indexOf("evt_"), refund.indexOf('"', refund.indexOf("evt_")));
        assertThatThrownBy(() -> world.job.apply(refundId)).isInstanceOf(RuntimeException.class);
        // JobRunr ran out of retries (what StripeEventFailureFilter records).
        stack.db.jdbi().useExtension(StripeEventDao.class, dao -> dao.markFailed(refundId, null));
        assertThat(world.status(refundId)).isEqualTo(StripeEventStatus.failed);
        ApiReply failed = world.api.get("/api/ops/stripe/events?status=failed", "ops-test-token");
        assertThat(failed.body().get("items").toString()).contains(refundId).contains("no payment recorded yet");

        // The cause goes away (the payment's event is applied), the operator replays the refund.
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(club, payer, pi, "succeeded"), club.account(), t, false));
        assertThat(world.api.call("POST", "/api/ops/stripe/events/" + refundId + "/replay", null, null).status()).isEqualTo(401);
        ApiReply replay = world.api.call("POST", "/api/ops/stripe/events/" + refundId + "/replay", "ops-test-token", null);
        assertThat(replay.status()).isEqualTo(202);
        List<String> refs = outboxRefs(refundId);
        assertThat(refs).hasSize(2).last().asString().startsWith(refundId + "#replay-");
        // The worker's job for the new outbox row (its id differs from the failed job's) applies it.
        world.job.apply(StripeEventReplays.eventId(refs.get(1)));
        assertThat(world.status(refundId)).isEqualTo(StripeEventStatus.processed);
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ? AND status = 'refunded'", pi)).isEqualTo(1);
        // A processed event is not replayed; an unknown one is 404.
        assertThat(world.api.call("POST", "/api/ops/stripe/events/" + refundId + "/replay", "ops-test-token", null).status()).isEqualTo(409);
        assertThat(world.api.call("POST", "/api/ops/stripe/events/evt_unknown/replay", "ops-test-token", null).status()).isEqualTo(404);
    }
}
