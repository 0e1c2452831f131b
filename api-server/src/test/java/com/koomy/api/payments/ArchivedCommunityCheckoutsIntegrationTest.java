package com.koomy.api.payments;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.koomy.api.ApiConfiguration;
import com.koomy.communities.CommunityLife;
import com.koomy.communities.ExpireArchivedCheckouts;
import com.koomy.payments.PaymentRefunds;
import com.koomy.payments.SendRefund;
import com.koomy.testing.TestStack;
import com.koomy.testing.StripeStub;
import com.koomy.testing.StripeTestEvents;
import com.koomy.stripe.events.StripeEventStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 21: an archived community takes no more dues. Archiving through the API queues the expiry of the Checkout
 * sessions still open, which the worker's job asks of Stripe on the connected account; a payment that still
 * completes (its event arriving after the archive) is refunded in full through the refund path, with its cause,
 * without extending the dues or sending a receipt. The worker's side runs here as the worker runs it (its job
 * handlers on a gateway to the Stripe stub), the outbox rows standing for the relay.
 */
class ArchivedCommunityCheckoutsIntegrationTest {

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = PaymentsWorld.stack();

    private final PaymentsWorld world = new PaymentsWorld(stack);

    private List<String> outbox(String kind, String refPrefix) {
        return stack.db.jdbi().withHandle(h -> h.createQuery("SELECT ref FROM outbox WHERE kind = :k AND ref LIKE :p ORDER BY id")
                .bind("k", kind).bind("p", refPrefix + "%").mapTo(String.class).list());
    }

    private String archive(PaymentsWorld.Club club) {
        return world.api.call("POST", "/api/communities/" + club.id() + "/archive", club.owner().token(), null).status() + "";
    }

    @Test
    void archivingExpiresTheCheckoutSessionsStillOpen() throws Exception {
        PaymentsWorld.Club club = world.club("Club Expire", "acct_1Expire00000001", "yearly");
        PaymentsWorld.Payer ann = world.payer(club, "Ann Expire");
        PaymentsWorld.Payer bob = world.payer(club, "Bob Expire");
        ObjectNode expired = StripeTestEvents.object("checkout.session");
        expired.put("status", "expired");
        stack.stripe.server().stubFor(post(urlPathMatching("/v1/checkout/sessions/.+/expire")).willReturn(StripeStub.ok(expired)));
        // Bob's session is older than a session lives: nothing to expire.
        stack.db.jdbi().useHandle(h -> h.execute("UPDATE dues_checkouts SET created_at = now() - interval '2 hours' WHERE id = ?",
                bob.checkoutId()));

        assertThat(outbox(CommunityLife.CHECKOUTS_EXPIRE_KIND, club.id().toString())).isEmpty();
        assertThat(archive(club)).isEqualTo("200");
        assertThat(outbox(CommunityLife.CHECKOUTS_EXPIRE_KIND, club.id().toString())).hasSize(1);

        ExpireArchivedCheckouts.Handler job = new ExpireArchivedCheckouts.Handler(stack.db.jdbi(), PaymentsWorld.workerGateway(stack.stripe));
        job.run(new ExpireArchivedCheckouts(club.id()));
        List<LoggedRequest> asked = stack.stripe.requests("POST", "/v1/checkout/sessions/" + ann.sessionId() + "/expire");
        assertThat(asked).hasSize(1);
        assertThat(asked.get(0).getHeader("Stripe-Account")).isEqualTo(club.account());
        assertThat(asked.get(0).getHeader("Idempotency-Key")).isEqualTo("checkout-expire:" + ann.sessionId());
        assertThat(stack.stripe.requests("POST", "/v1/checkout/sessions/" + bob.sessionId() + "/expire")).isEmpty();

        // Stripe says a session is already complete (400): the job ends without failing; unarchived, it does nothing.
        stack.stripe.server().stubFor(post(urlPathMatching("/v1/checkout/sessions/.+/expire")).willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\": {\"type\": \"invalid_request_error\", \"message\": \"Only Checkout Sessions with a "
                                + "status in [\\\"open\\\"] can be expired.\"}}")));
        job.run(new ExpireArchivedCheckouts(club.id()));
        assertThat(stack.stripe.requests("POST", "/v1/checkout/sessions/" + ann.sessionId() + "/expire")).hasSize(2);
        assertThat(world.api.call("POST", "/api/communities/" + club.id() + "/unarchive", club.owner().token(), null).status())
                .isEqualTo(200);
        job.run(new ExpireArchivedCheckouts(club.id()));
        assertThat(stack.stripe.requests("POST", "/v1/checkout/sessions/" + ann.sessionId() + "/expire")).hasSize(2);
        assertThat(outbox(CommunityLife.CHECKOUTS_EXPIRE_KIND, club.id().toString())).as("only an archive expires").hasSize(1);
    }

    @Test
    void aPaymentCompletedAfterTheArchiveIsRefundedWithItsCause() throws Exception {
        PaymentsWorld.Club club = world.club("Club Late Payment", "acct_1LatePay0000001", "yearly");
        PaymentsWorld.Payer payer = world.payer(club, "Lea Late");
        PaymentsWorld.Payer early = world.payer(club, "Eli Early");
        long now = Instant.now().getEpochSecond();
        String earlyPi = PaymentsWorld.pi();
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "checkout.session.completed",
                PaymentsWorld.paidSession(club, early, earlyPi), club.account(), now, false));
        assertThat(archive(club)).isEqualTo("200");

        String pi = PaymentsWorld.pi();
        String eventId = world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "checkout.session.completed",
                PaymentsWorld.paidSession(club, payer, pi), club.account(), now, false));
        assertThat(world.status(eventId)).isEqualTo(StripeEventStatus.processed);
        UUID payment = stack.db.jdbi().withHandle(h -> h.createQuery("SELECT id FROM payments WHERE payment_intent_id = :pi")
                .bind("pi", pi).mapTo(UUID.class).one());
        assertThat(world.count("SELECT count(*) FROM dues_extensions WHERE payment_id = ?", payment)).as("no dues").isZero();
        assertThat(world.count("SELECT count(*) FROM emails WHERE template = 'payment_receipt' AND recipients -> 0 ->> 'email' = ?",
                payer.user().email())).as("no receipt").isZero();
        assertThat(world.count("SELECT count(*) FROM emails WHERE template = 'payment_receipt' AND recipients -> 0 ->> 'email' = ?",
                early.user().email())).as("paid before the archive: receipt").isOne();
        String refund = stack.db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT id::text || ' ' || amount || ' ' || status || ' ' || cause || ' ' || coalesce(requested_by::text, '-')
                          FROM payment_refunds WHERE payment_id = :p""")
                .bind("p", payment).mapTo(String.class).one());
        String refundId = refund.split(" ")[0];
        assertThat(refund).isEqualTo(refundId + " 2500 requested " + PaymentRefunds.COMMUNITY_ARCHIVED + " -");
        assertThat(outbox(PaymentRefunds.SEND_KIND, refundId)).hasSize(1);
        assertThat(world.count("SELECT count(*) FROM payment_refunds WHERE payment_id = (SELECT id FROM payments WHERE payment_intent_id = ?)",
                earlyPi)).isZero();

        // The same payment's other event changes nothing more.
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(club, payer, pi, "succeeded"), club.account(), now, false));
        assertThat(world.count("SELECT count(*) FROM payment_refunds WHERE payment_id = ?", payment)).isOne();

        // The worker asks Stripe for it as a manager's refund is asked (once: Stripe's answer is kept).
        stack.stripe.refundCreates("re_late0000000001", "pending");
        SendRefund.Handler job = new SendRefund.Handler(new PaymentRefunds(stack.db.jdbi(), PaymentsWorld.workerGateway(stack.stripe)));
        job.run(new SendRefund(UUID.fromString(refundId)));
        job.run(new SendRefund(UUID.fromString(refundId)));
        List<LoggedRequest> asked = stack.stripe.requests("POST", "/v1/refunds");
        assertThat(asked).hasSize(1);
        assertThat(asked.get(0).getHeader("Stripe-Account")).isEqualTo(club.account());
        assertThat(asked.get(0).getHeader("Idempotency-Key")).isEqualTo("refund:" + refundId);
        assertThat(asked.get(0).getBodyAsString()).contains("payment_intent=" + pi, "amount=2500",
                "koomy_refund_id%5D=" + refundId);
        assertThat(world.count("SELECT count(*) FROM payment_refunds WHERE id = CAST(? AS uuid) AND status = 'pending' "
                + "AND stripe_refund_id = 're_late0000000001'", refundId)).isOne();

        // Stripe's charge.refunded then settles the payment as for any refund.
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "charge.refunded",
                PaymentsWorld.refundedCharge(pi, 2500), club.account(), now, false));
        assertThat(world.count("SELECT count(*) FROM payments WHERE id = ? AND status = 'refunded'", payment)).isOne();
    }
}
