package com.koomy.api.payments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.koomy.api.ApiCalls;
import com.koomy.testing.ApiReply;
import com.koomy.testing.StripeTestEvents;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The treasurer's calls the tests of issue 21 make (manual payments, refunds, reports), and what they read back. */
final class TreasurerCalls {

    private static final ObjectMapper JSON = new ObjectMapper();

    final int year = LocalDate.now(ZoneOffset.UTC).getYear();
    private final PaymentsWorld world;

    TreasurerCalls(PaymentsWorld world) {
        this.world = world;
    }

    ApiReply post(String path, ApiCalls.User user, String key, Object body) throws Exception {
        byte[] bytes = body == null ? null : JSON.writeValueAsBytes(body);
        return key == null ? world.api.send("POST", path, user.token(), "application/json", bytes)
                : world.api.send("POST", path, user.token(), "application/json", bytes, "Idempotency-Key", key);
    }

    Map<String, Object> manual(ApiCalls.User member, UUID tierId, String method) {
        return new HashMap<>(Map.of("accountId", member.id().toString(), "tierId", tierId.toString(), "method", method));
    }

    ApiCalls.User member(PaymentsWorld.Club club, String name) {
        ApiCalls.User member = world.api.user(name);
        assertThat(world.api.call("POST", "/api/communities/" + club.id() + "/join", member.token(), null).status()).isEqualTo(201);
        return member;
    }

    long payments(PaymentsWorld.Club club) {
        return world.count("SELECT count(*) FROM payments WHERE community_id = ?", club.id());
    }

    String cardPayment(PaymentsWorld.Club club, PaymentsWorld.Payer payer) throws Exception {
        String pi = PaymentsWorld.pi();
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(club, payer, pi, "succeeded"), club.account(), Instant.now().getEpochSecond(), false));
        return pi;
    }

    /** The refunds asked of Stripe on this club's account (the stub serves every test of the class). */
    List<LoggedRequest> refundCalls(PaymentsWorld.Club club) {
        return world.stripe.requests("POST", "/v1/refunds").stream()
                .filter(r -> club.account().equals(r.getHeader("Stripe-Account"))).toList();
    }

    String paymentId(String pi) {
        return world.jdbi.withHandle(h -> h.createQuery("SELECT id::text FROM payments WHERE payment_intent_id = :pi")
                .bind("pi", pi).mapTo(String.class).one());
    }
}
