package com.koomy.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiTestApp;
import com.koomy.api.payments.PaymentsWorld;
import com.koomy.client.ApiClient;
import com.koomy.client.api.PaymentsApi;
import com.koomy.client.api.WebhooksApi;
import com.koomy.client.model.ConnectAccountsOnboarding;
import com.koomy.client.model.DuesCheckoutRequest;
import com.koomy.client.model.DuesCheckoutsCheckout;
import com.koomy.client.model.DuesNewTierRequest;
import com.koomy.config.PaymentsFactory;
import com.koomy.testing.StripeStub;
import com.koomy.testing.StripeTestEvents;
import com.koomy.testing.TestDatabase;
import com.koomy.webhooks.ApplyStripeEventJob;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stripe's side of the dues journeys: its API is the stub, its webhooks go through the generated client
 * ({@code receiveStripeEvent}), signed as Stripe signs them (stripe-java's signer) over the very bytes the client
 * sends, and the worker's part is the same job the worker runs ({@link PaymentsWorld}'s).
 */
final class StripeSide {

    private final Journeys journeys;
    private final StripeStub stripe;
    private final ApplyStripeEventJob job;

    StripeSide(Journeys journeys, StripeStub stripe, TestDatabase db, IntSupplier port) {
        this.journeys = journeys;
        this.stripe = stripe;
        this.job = new PaymentsWorld(port, stripe, db, new PaymentsFactory()).job;
    }

    /** A community whose owner connected Stripe account {@code account} (onboarded), with a yearly tier of 25.00 EUR. */
    record Club(UUID id, Journeys.Account owner, String account, UUID tierId) {
        PaymentsWorld.Club asWorld() {
            return new PaymentsWorld.Club(id, null, account, tierId);
        }
    }

    /** What the member's checkout gave them: the ids Stripe's events carry back. */
    record Checkout(Journeys.Account member, DuesCheckoutsCheckout checkout) {
        PaymentsWorld.Payer asWorld() {
            return new PaymentsWorld.Payer(new ApiCalls.User(member.id(), member.email(), member.token()),
                    checkout.getCheckoutId(), checkout.getSessionId());
        }
    }

    Club club(String name, String account) throws Exception {
        Journeys.Account owner = journeys.signUp(name + " Owner");
        UUID id = journeys.community(owner, name + " " + Journeys.unique());
        stripe.accountCreates(account);
        PaymentsApi payments = new PaymentsApi(journeys.client(owner));
        ConnectAccountsOnboarding onboarding = payments.connectStripe(id);
        assertThat(onboarding.getAccountId()).isEqualTo(account);
        assertThat(onboarding.getUrl()).startsWith("https://");
        stripe.accountIs(account, true, true, List.of());
        deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "account.updated",
                StripeStub.account(account, true, true, List.of()), account, Instant.now().getEpochSecond(), false));
        UUID tier = payments.createDuesTier(id, new DuesNewTierRequest().name("Cotisation").amount(2500L).currency("EUR")
                .period(DuesNewTierRequest.PeriodEnum.YEARLY)).getId();
        return new Club(id, owner, account, tier);
    }

    /** A new member of {@code club} who started a Checkout for its tier. */
    Checkout checkout(Club club, String name) throws Exception {
        Journeys.Account member = journeys.member(club.id(), name);
        DuesCheckoutsCheckout checkout = new PaymentsApi(journeys.client(member))
                .checkoutDues(club.id(), new DuesCheckoutRequest().tierId(club.tierId()));
        return new Checkout(member, checkout);
    }

    /** Stripe confirms the card payment of {@code checkout}; returns the PaymentIntent's id. */
    String pays(Club club, Checkout checkout) throws Exception {
        String pi = PaymentsWorld.pi();
        long now = Instant.now().getEpochSecond();
        deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "checkout.session.completed",
                PaymentsWorld.paidSession(club.asWorld(), checkout.asWorld(), pi), club.account(), now, false));
        deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(club.asWorld(), checkout.asWorld(), pi, "succeeded"), club.account(), now, false));
        return pi;
    }

    /** Stripe sends {@code payload} (signed) through the generated client; returns the event's id. */
    String deliver(String payload) throws Exception {
        ApiClient client = journeys.client((String) null);
        ObjectMapper mapper = client.getObjectMapper();
        JsonNode event = mapper.readTree(payload);
        String body = mapper.writeValueAsString(event); // the bytes the client sends, which the signature covers
        new WebhooksApi(client).receiveStripeEvent(StripeTestEvents.sign(body, ApiTestApp.SECRET), event);
        return event.path("id").asText();
    }

    /** Delivered, then applied as the worker applies it. */
    String deliverAndApply(String payload) throws Exception {
        String id = deliver(payload);
        job.apply(id);
        return id;
    }
}
