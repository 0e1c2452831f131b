package com.koomy.api.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.testing.TestStack;
import com.koomy.testing.ApiReply;
import com.koomy.testing.StripeTestEvents;
import com.koomy.stripe.events.StripeEventStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Stripe's dues webhooks as Stripe sends them (duplicated, concurrent, out of order, from the wrong account)
 * applied as the worker applies them: the payment, the paid-until date and the receipt happen exactly once.
 */
class DuesWebhooksIntegrationTest {

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = PaymentsWorld.stack();

    private final PaymentsWorld world = new PaymentsWorld(stack);

    private static <T> List<T> atOnce(int n, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void theSameEventTenTimesAtOnceMakesOnePaymentOneExtensionOneReceipt() throws Exception {
        PaymentsWorld.Club club = world.club("Club Doublons", "acct_1Dup000000000001", "yearly");
        PaymentsWorld.Payer payer = world.payer(club, "Dora Duplicate");
        String pi = PaymentsWorld.pi();
        long now = Instant.now().getEpochSecond();
        String completed = StripeTestEvents.event(StripeTestEvents.newEventId(), "checkout.session.completed",
                PaymentsWorld.paidSession(club, payer, pi), club.account(), now, false);
        String succeeded = StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(club, payer, pi, "succeeded"), club.account(), now, false);

        // Stripe delivers each 10 times at once; the API stores each once and answers 200 to all.
        assertThat(atOnce(10, () -> world.deliver(completed))).containsOnly(200);
        assertThat(atOnce(10, () -> world.deliver(succeeded))).containsOnly(200);
        assertThat(world.count("SELECT count(*) FROM stripe_events WHERE event_id IN (?, ?)",
                id(completed), id(succeeded))).isEqualTo(2);
        // Ten workers apply each at once (duplicate jobs, retries).
        atOnce(10, () -> {
            world.job.apply(id(completed));
            world.job.apply(id(succeeded));
            return null;
        });

        assertThat(world.status(id(completed))).isEqualTo(StripeEventStatus.processed);
        assertThat(world.status(id(succeeded))).isEqualTo(StripeEventStatus.processed);
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ?", pi)).isEqualTo(1);
        assertThat(world.count("SELECT count(*) FROM dues_extensions d JOIN payments p ON p.id = d.payment_id "
                + "WHERE p.payment_intent_id = ?", pi)).isEqualTo(1);
        assertThat(world.count("SELECT count(*) FROM emails WHERE template = 'payment_receipt' AND community_id = ?",
                club.id())).isEqualTo(1);
        int year = Instant.ofEpochSecond(now).atZone(ZoneOffset.UTC).getYear();
        assertThat(world.paidUntil(club, payer.user())).isEqualTo(LocalDate.of(year, 12, 31));
        JsonNode row = world.jdbi.withHandle(h -> h.createQuery(
                        "SELECT row_to_json(p)::text FROM payments p WHERE payment_intent_id = :pi").bind("pi", pi)
                .mapTo(String.class).one()).transform(DuesWebhooksIntegrationTest::json);
        assertThat(row.get("status").asText()).isEqualTo("succeeded");
        assertThat(row.get("amount").asLong()).isEqualTo(2500);
        assertThat(row.get("application_fee").asLong()).isEqualTo(75);
        assertThat(row.get("checkout_session_id").asText()).isEqualTo(payer.sessionId());
        assertThat(row.get("charge_id").asText()).isEqualTo("ch_" + pi.substring(3));

        // A later payment of next year's dues extends from the current end, once.
        String pi2 = PaymentsWorld.pi();
        PaymentsWorld.Payer again = new PaymentsWorld.Payer(payer.user(), checkout(club, payer.user()), "cs_test_again");
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(club, again, pi2, "succeeded"), club.account(), now + 5, false));
        assertThat(world.paidUntil(club, payer.user())).isEqualTo(LocalDate.of(year + 1, 12, 31));
    }

    private java.util.UUID checkout(PaymentsWorld.Club club, ApiCalls.User member) {
        ApiReply c = world.api.call("POST", "/api/communities/" + club.id() + "/dues/checkout", member.token(),
                Map.of("tierId", club.tierId().toString()));
        assertThat(c.status()).isEqualTo(201);
        return java.util.UUID.fromString(c.body().get("checkoutId").asText());
    }

    @Test
    void eventsOutOfOrderEndInTheNewestStateAndARefundRollsThePaidUntilBack() throws Exception {
        PaymentsWorld.Club club = world.club("Club Désordre", "acct_1Order0000000001", "rolling_year");
        PaymentsWorld.Payer payer = world.payer(club, "Oscar Order");
        String pi = PaymentsWorld.pi();
        long t = Instant.now().getEpochSecond();

        // The refund is delivered before the payment it refunds: it waits (fails, JobRunr retries) and loses nothing.
        String refund = StripeTestEvents.event(StripeTestEvents.newEventId(), "charge.refunded",
                PaymentsWorld.refundedCharge(pi, 2500), club.account(), t + 60, false);
        assertThat(world.deliver(refund)).isEqualTo(200);
        assertThatThrownBy(() -> world.job.apply(id(refund))).hasMessageContaining("no payment recorded yet");
        assertThat(world.status(id(refund))).isEqualTo(StripeEventStatus.processing);

        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(club, payer, pi, "succeeded"), club.account(), t, false));
        LocalDate paidOn = Instant.ofEpochSecond(t).atZone(ZoneOffset.UTC).toLocalDate();
        assertThat(world.paidUntil(club, payer.user())).isEqualTo(paidOn.plusYears(1));
        // An old failure of the same intent arrives late: the payment stays succeeded, nobody is told it failed.
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.payment_failed",
                PaymentsWorld.intent(club, payer, pi, "requires_payment_method"), club.account(), t - 30, false));
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ? AND status = 'succeeded'", pi)).isEqualTo(1);
        assertThat(world.count("SELECT count(*) FROM emails WHERE template = 'payment_failed' AND community_id = ?", club.id())).isZero();

        // The retry of the refund now applies; a partial refund event older than the full one changes nothing.
        world.job.apply(id(refund));
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "charge.refunded",
                PaymentsWorld.refundedCharge(pi, 1000), club.account(), t + 30, false));
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ? AND status = 'refunded' "
                + "AND amount_refunded = 2500", pi)).isEqualTo(1);
        assertThat(world.paidUntil(club, payer.user())).isNull();
        assertThat(world.count("SELECT count(*) FROM dues_extensions d JOIN payments p ON p.id = d.payment_id "
                + "WHERE p.payment_intent_id = ? AND d.rolled_back_at IS NOT NULL", pi)).isEqualTo(1);
    }

    @Test
    void aPartialRefundKeepsThePaidUntilAndAFailedPaymentTellsTheMember() throws Exception {
        PaymentsWorld.Club club = world.club("Club Échecs", "acct_1Fail00000000001", "custom");
        PaymentsWorld.Payer payer = world.payer(club, "Fanny Failed");
        String pi = PaymentsWorld.pi();
        long t = Instant.now().getEpochSecond();
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.payment_failed",
                PaymentsWorld.intent(club, payer, pi, "requires_payment_method"), club.account(), t, false));
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ? AND status = 'failed' "
                + "AND failure_message = 'Your card was declined.'", pi)).isEqualTo(1);
        assertThat(world.count("SELECT count(*) FROM emails WHERE template = 'payment_failed' AND community_id = ? "
                + "AND recipients::text LIKE ?", club.id(), "%" + payer.user().email() + "%")).isEqualTo(1);
        assertThat(world.paidUntil(club, payer.user())).isNull();

        // The member retries with another card: the same intent succeeds.
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(club, payer, pi, "succeeded"), club.account(), t + 20, false));
        assertThat(world.paidUntil(club, payer.user())).isEqualTo(LocalDate.of(2027, 8, 31));
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "charge.refunded",
                PaymentsWorld.refundedCharge(pi, 500), club.account(), t + 40, false));
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ? AND status = 'partially_refunded'", pi)).isEqualTo(1);
        assertThat(world.paidUntil(club, payer.user())).isEqualTo(LocalDate.of(2027, 8, 31));
    }

    @Test
    void metadataNamingAnotherCommunityIsRefusedRecordedAndAppliedNowhere() throws Exception {
        PaymentsWorld.Club victim = world.club("Club Victime", "acct_1Victim0000001", "yearly");
        PaymentsWorld.Club other = world.club("Club Autre", "acct_1Other00000001", "yearly");
        PaymentsWorld.Payer payer = world.payer(victim, "Vic Payer");
        String pi = PaymentsWorld.pi();
        // A payment on the other community's account whose metadata points at the victim community.
        String forged = StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(victim, payer, pi, "succeeded"), other.account(), Instant.now().getEpochSecond(), false);
        String id = world.deliverAndApply(forged);

        assertThat(world.status(id)).isEqualTo(StripeEventStatus.refused);
        assertThat(world.lastError(id)).contains("metadata names community " + victim.id())
                .contains("belongs to community " + other.id());
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ?", pi)).isZero();
        assertThat(world.paidUntil(victim, payer.user())).isNull();
        // Applying it again (a retry, a duplicate job) still does nothing: it is settled.
        world.job.apply(id);
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ?", pi)).isZero();

        // Livemode different from the platform's: refused too.
        String live = StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(victim, payer, pi, "succeeded"), victim.account(), Instant.now().getEpochSecond(), true);
        String liveId = world.deliverAndApply(live);
        assertThat(world.status(liveId)).isEqualTo(StripeEventStatus.refused);
        assertThat(world.lastError(liveId)).contains("livemode");
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ?", pi)).isZero();

        // The operators see the refused events.
        ApiReply refused = world.api.get("/api/ops/stripe/events?status=refused", "ops-test-token");
        assertThat(refused.status()).isEqualTo(200);
        assertThat(refused.body().get("items").toString()).contains(id, liveId);
    }

    private static String id(String payload) {
        return json(payload).get("id").asText();
    }

    private static JsonNode json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
