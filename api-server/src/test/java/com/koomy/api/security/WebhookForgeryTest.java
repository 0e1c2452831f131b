package com.koomy.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.api.email.SendGridWebhookCalls;
import com.koomy.api.payments.PaymentsWorld;
import com.koomy.testing.TestStack;
import com.koomy.testing.ApiReply;
import com.koomy.testing.SendGridTestEvents;
import com.koomy.testing.StripeStub;
import com.koomy.testing.StripeTestEvents;
import com.koomy.stripe.events.StripeEventStatus;
import io.dropwizard.testing.ConfigOverride;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Forged webhooks. Stripe ({@code POST /api/webhooks/stripe}) and SendGrid ({@code POST
 * /api/webhooks/sendgrid}) requests with a tampered body, a wrong secret or key, a stale or altered
 * timestamp, a missing or malformed header are refused with a 400 and store nothing; a replayed
 * request is stored and applied once. Connect events whose metadata names another community than the
 * one owning the connected account they came from — of every dues event type — are refused by the
 * worker's handlers and change nothing of that community.
 */
class WebhookForgeryTest {

    private static final SendGridTestEvents.Signer SENDGRID = new SendGridTestEvents.Signer();

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = PaymentsWorld.stack(
            ConfigOverride.config("sendgrid.webhookPublicKey", SENDGRID.publicKeyBase64()));

    private static ApiCalls api;
    private static PaymentsWorld world;

    @BeforeAll
    static void setUp() {
        api = new ApiCalls(() -> stack.app.getLocalPort());
        world = new PaymentsWorld(stack);
    }

    private static ApiReply stripe(String payload, String signature) {
        return signature == null
                ? api.send("POST", "/api/webhooks/stripe", null, "application/json", payload.getBytes(StandardCharsets.UTF_8))
                : api.send("POST", "/api/webhooks/stripe", null, "application/json", payload.getBytes(StandardCharsets.UTF_8),
                "Stripe-Signature", signature);
    }

    private static ApiReply sendgrid(String payload, String signature, String timestamp) {
        return api.send("POST", "/api/webhooks/sendgrid", null, "application/json; charset=utf-8",
                payload.getBytes(StandardCharsets.UTF_8), SendGridWebhookCalls.headers(signature, timestamp));
    }

    @Test
    void forgedStripeRequestsAreRefusedAndStoreNothing() {
        String payload = StripeTestEvents.paymentIntentSucceeded(StripeTestEvents.newEventId());
        long now = Instant.now().getEpochSecond();
        String good = StripeTestEvents.sign(payload, ApiTestApp.SECRET, now);
        String v1 = good.substring(good.indexOf("v1=") + 3);
        Map<String, ApiReply> forged = new LinkedHashMap<>();
        forged.put("tampered body", stripe(payload.replace("\"livemode\":false", "\"livemode\":true"), good));
        forged.put("one byte appended", stripe(payload + " ", good));
        forged.put("wrong secret", stripe(payload, StripeTestEvents.sign(payload, "whsec_attacker_guess", now)));
        forged.put("stale (tolerance + 1 s)", stripe(payload, StripeTestEvents.sign(payload, ApiTestApp.SECRET, now - 301)));
        forged.put("stale (a day)", stripe(payload, StripeTestEvents.sign(payload, ApiTestApp.SECRET, now - 86_400)));
        forged.put("timestamp moved, signature kept", stripe(payload, "t=" + (now + 5) + ",v1=" + v1));
        forged.put("missing header", stripe(payload, null));
        forged.put("empty header", stripe(payload, ""));
        forged.put("no v1 signature", stripe(payload, "t=" + now + ",v0=" + v1));
        forged.put("signature of another event", stripe(payload, StripeTestEvents.sign(
                StripeTestEvents.paymentIntentSucceeded(StripeTestEvents.newEventId()), ApiTestApp.SECRET, now)));
        forged.put("garbage header", stripe(payload, "t=abc,v1=" + "0".repeat(64)));
        Map<String, String> before = TableDigests.of(stack.db.jdbi());
        List<String> failures = new ArrayList<>();
        forged.forEach((what, reply) -> {
            if (reply.status() != 400 || !reply.code().matches("invalid_signature|missing_signature")) {
                failures.add(what + " -> " + reply.status() + " " + reply.body());
            }
        });
        assertThat(failures).as("forged Stripe requests not refused with 400").isEmpty();
        assertThat(TableDigests.of(stack.db.jdbi())).as("the database after forged Stripe requests").isEqualTo(before);
        assertThat(stripe(payload, good).status()).as("the genuine request").isEqualTo(200);
    }

    @Test
    void aReplayedStripeEventIsStoredOnceAndAppliedOnce() throws Exception {
        PaymentsWorld.Club club = world.club("Replay Club", "acct_1Replay00000001", "yearly");
        PaymentsWorld.Payer payer = world.payer(club, "Ray Replay");
        String pi = PaymentsWorld.pi();
        String event = StripeTestEvents.event(StripeTestEvents.newEventId(), "checkout.session.completed",
                PaymentsWorld.paidSession(club, payer, pi), club.account(), Instant.now().getEpochSecond(), false);
        String signature = StripeTestEvents.sign(event, ApiTestApp.SECRET);
        String eventId = world.deliverAndApply(event);
        String paidUntil = paidUntil(club.id(), payer.user().id());
        assertThat(paidUntil).isNotNull();
        for (int i = 0; i < 3; i++) { // the same signed request again, byte for byte, and the worker running it again
            ApiReply replay = stripe(event, signature);
            assertThat(replay.status()).isEqualTo(200);
            assertThat(replay.body().get("duplicate").asBoolean()).isTrue();
            world.job.apply(eventId);
        }
        assertThat(world.count("SELECT count(*) FROM stripe_events WHERE event_id = ?", eventId)).isEqualTo(1);
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ?", pi)).isEqualTo(1);
        assertThat(paidUntil(club.id(), payer.user().id())).as("dues extended once").isEqualTo(paidUntil);
        assertThat(world.count("SELECT count(*) FROM emails WHERE template = 'payment_receipt' AND recipients->0->>'email' = ?",
                payer.user().email().toLowerCase())).isEqualTo(1);
    }

    @Test
    void forgedSendGridRequestsAreRefusedAndAReplayChangesNothing() {
        String email = SendGridTestEvents.newEmail("forgery");
        String payload = SendGridTestEvents.batch(SendGridTestEvents.bounce(email, SendGridTestEvents.newEventId()));
        String now = Long.toString(Instant.now().getEpochSecond());
        String good = SENDGRID.sign(payload, now);
        String stale = Long.toString(Instant.now().getEpochSecond() - 301);
        Map<String, ApiReply> forged = new LinkedHashMap<>();
        forged.put("tampered body", sendgrid(payload.replace(email, "victim@example.org"), good, now));
        forged.put("wrong key", sendgrid(payload, new SendGridTestEvents.Signer().sign(payload, now), now));
        forged.put("stale timestamp, correctly signed", sendgrid(payload, SENDGRID.sign(payload, stale), stale));
        forged.put("timestamp moved, signature kept", sendgrid(payload, good, Long.toString(Long.parseLong(now) + 1)));
        forged.put("missing signature", sendgrid(payload, null, now));
        forged.put("missing timestamp", sendgrid(payload, good, null));
        forged.put("signature not base64", sendgrid(payload, "%%%not-base64%%%", now));
        forged.put("timestamp not a number", sendgrid(payload, SENDGRID.sign(payload, "1e9"), "1e9"));
        Map<String, String> before = TableDigests.of(stack.db.jdbi());
        List<String> failures = new ArrayList<>();
        forged.forEach((what, reply) -> {
            if (reply.status() != 400) {
                failures.add(what + " -> " + reply.status() + " " + reply.body());
            }
        });
        assertThat(failures).as("forged SendGrid requests not refused with 400").isEmpty();
        assertThat(TableDigests.of(stack.db.jdbi())).as("the database after forged SendGrid requests").isEqualTo(before);

        ApiReply first = sendgrid(payload, good, now);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().get("stored").asInt()).isEqualTo(1);
        Map<String, String> afterFirst = TableDigests.of(stack.db.jdbi());
        ApiReply replay = sendgrid(payload, good, now);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.body().get("stored").asInt()).isZero();
        assertThat(replay.body().get("duplicates").asInt()).isEqualTo(1);
        assertThat(TableDigests.of(stack.db.jdbi())).as("the database after a replayed batch").isEqualTo(afterFirst);
    }

    @Test
    void connectEventsWhoseMetadataNamesAnotherCommunityAreAppliedNowhere() throws Exception {
        PaymentsWorld.Club victim = world.club("Victim Dues Club", "acct_1VictimDues00001", "yearly");
        PaymentsWorld.Club attacker = world.club("Attacker Dues Club", "acct_1AttackDues0001", "yearly");
        PaymentsWorld.Payer payer = world.payer(victim, "Paula Payer");
        PaymentsWorld.Payer accomplice = world.payer(attacker, "Ace Accomplice");
        // A genuine payment of the victim community, so that refunds have something to aim at.
        String paid = PaymentsWorld.pi();
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(victim, payer, paid, "succeeded"), victim.account(), Instant.now().getEpochSecond(), false));
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ?", paid)).isEqualTo(1);

        long now = Instant.now().getEpochSecond();
        String pi = PaymentsWorld.pi();
        ObjectNode refundClaimingAttacker = PaymentsWorld.refundedCharge(paid, 2500);
        refundClaimingAttacker.set("metadata", PaymentsWorld.metadata(attacker.id(), payer.user().id(), payer.checkoutId()));
        ObjectNode otherCheckout = PaymentsWorld.intent(victim, payer, pi, "succeeded");
        otherCheckout.set("metadata", PaymentsWorld.metadata(victim.id(), accomplice.user().id(), accomplice.checkoutId()));
        Map<String, String> forged = new LinkedHashMap<>();
        forged.put("checkout.session.completed on the attacker's account", event("checkout.session.completed",
                PaymentsWorld.paidSession(victim, payer, pi), attacker.account(), now));
        forged.put("checkout.session.async_payment_succeeded on the attacker's account", event(
                "checkout.session.async_payment_succeeded", PaymentsWorld.paidSession(victim, payer, pi), attacker.account(), now));
        forged.put("payment_intent.succeeded on the attacker's account", event("payment_intent.succeeded",
                PaymentsWorld.intent(victim, payer, pi, "succeeded"), attacker.account(), now));
        forged.put("payment_intent.payment_failed on the attacker's account", event("payment_intent.payment_failed",
                PaymentsWorld.intent(victim, payer, pi, "requires_payment_method"), attacker.account(), now));
        forged.put("payment_intent.succeeded from no connected account", event("payment_intent.succeeded",
                PaymentsWorld.intent(victim, payer, pi, "succeeded"), null, now));
        forged.put("payment_intent.succeeded naming the attacker's checkout", event("payment_intent.succeeded",
                otherCheckout, victim.account(), now));
        forged.put("charge.refunded of the victim's payment on the attacker's account", event("charge.refunded",
                PaymentsWorld.refundedCharge(paid, 2500), attacker.account(), now));
        forged.put("charge.refunded naming the attacker's community", event("charge.refunded",
                refundClaimingAttacker, victim.account(), now));
        forged.put("account.updated about the victim's account from the attacker's", event("account.updated",
                StripeStub.account(victim.account(), false, false, List.of("external_account")), attacker.account(), now));

        Map<String, String> victimRows = victimRows(victim.id());
        String victimAccount = stack.db.jdbi().withHandle(h -> h.createQuery("SELECT t::text FROM stripe_connect_accounts t WHERE community_id = :c")
                .bind("c", victim.id()).mapTo(String.class).one());
        List<String> applied = new ArrayList<>();
        for (Map.Entry<String, String> f : forged.entrySet()) {
            String id = world.deliverAndApply(f.getValue());
            world.job.apply(id); // a second run (retry, duplicate job) settles nothing new
            if (world.status(id) != StripeEventStatus.refused) {
                applied.add(f.getKey() + " -> " + world.status(id) + " " + world.lastError(id));
            }
        }
        assertThat(applied).as("forged Connect events that were not refused").isEmpty();
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ?", pi)).isZero();
        assertThat(victimRows(victim.id())).as("the victim community's rows").isEqualTo(victimRows);
        assertThat(stack.db.jdbi().<String, RuntimeException>withHandle(h -> h.createQuery("SELECT t::text FROM stripe_connect_accounts t WHERE community_id = :c")
                .bind("c", victim.id()).mapTo(String.class).one())).isEqualTo(victimAccount);
    }

    private static String event(String type, JsonNode object, String account, long created) {
        return StripeTestEvents.event(StripeTestEvents.newEventId(), type, object, account, created, false);
    }

    /** Every row that names the community, but the stored events themselves (whose payloads name it). */
    private static Map<String, String> victimRows(UUID communityId) {
        Map<String, String> rows = new LinkedHashMap<>(TableDigests.rowsMentioning(stack.db.jdbi(), communityId.toString()));
        rows.remove("stripe_events");
        rows.remove("outbox");
        return rows;
    }

    private static String paidUntil(UUID community, UUID account) {
        return stack.db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT dues_paid_until::text FROM memberships WHERE community_id = :c AND account_id = :a")
                .bind("c", community).bind("a", account).mapTo(String.class).one());
    }
}
