package com.koomy.api.payments;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.config.PaymentsFactory;
import com.koomy.config.StripeFactory;
import com.koomy.payments.DuesCheckouts;
import com.koomy.payments.PaymentHandlers;
import com.koomy.stripe.StripeGateway;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestStack;
import com.koomy.testing.StripeStub;
import com.koomy.testing.StripeTestEvents;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestRedis;
import com.koomy.webhooks.ApplyStripeEventJob;
import com.koomy.stripe.events.StripeEventHandlers;
import com.koomy.stripe.events.StripeEventStatus;
import io.dropwizard.testing.ConfigOverride;
import org.jdbi.v3.core.Jdbi;
import redis.clients.jedis.UnifiedJedis;

import java.time.LocalDate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pieces of a dues test: the API (through {@link ApiCalls}), Stripe's stub, webhooks signed as Stripe
 * signs them, and the worker's side (the same handlers the worker registers, applied with
 * {@link ApplyStripeEventJob} as the worker's job does).
 */
public final class PaymentsWorld {

    static final UnifiedJedis REDIS = TestRedis.client();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public final ApiCalls api;
    final StripeStub stripe;
    public final Jdbi jdbi;
    final IntSupplier port;
    public final ApplyStripeEventJob job;

    /** The API on its own database with Stripe's stub, configured as {@link #stripeConfig} says. */
    public static TestStack<ApiConfiguration> stack(ConfigOverride... extra) {
        return TestStack.withStripe((db, stripe) -> ApiTestApp.on(db, stripeConfig(stripe, extra)));
    }

    /** The world of a class's {@link #stack()}, with the default payments settings. */
    public PaymentsWorld(TestStack<ApiConfiguration> stack) {
        this(stack.app::getLocalPort, stack.stripe, stack.db, new PaymentsFactory());
    }

    public PaymentsWorld(IntSupplier port, StripeStub stripe, TestDatabase db, PaymentsFactory payments) {
        this.port = port;
        this.api = new ApiCalls(port).checkingContract();
        this.stripe = stripe;
        this.jdbi = db.jdbi();
        this.job = new ApplyStripeEventJob(jdbi, PaymentHandlers.register(new StripeEventHandlers(), jdbi, workerGateway(stripe),
                payments, "http://127.0.0.1"), false);
    }

    /** The Stripe gateway as the worker builds it (its own key, its own Redis keys), on the stub. */
    public static StripeGateway workerGateway(StripeStub stripe) {
        StripeFactory config = new StripeFactory();
        config.setApiKey("sk_test_worker");
        config.setApiBase(stripe.baseUrl());
        return new StripeGateway(config, REDIS, TestRedis.newKeys(), new MetricRegistry());
    }

    public static ConfigOverride[] stripeConfig(StripeStub stripe, ConfigOverride... extra) {
        ConfigOverride[] base = {
                ConfigOverride.config("stripe.apiKey", "sk_test_api"),
                ConfigOverride.config("stripe.apiBase", stripe::baseUrl),
                ConfigOverride.config("stripe.retryBackoff", "20ms"),
                ConfigOverride.config("opsToken", "ops-test-token")};
        ConfigOverride[] all = new ConfigOverride[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    /** POSTs the event to the API signed as Stripe signs it; returns the HTTP status. */
    public int deliver(String payload) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port.getAsInt() + "/api/webhooks/stripe"))
                    .header("Content-Type", "application/json")
                    .header("Stripe-Signature", StripeTestEvents.sign(payload, ApiTestApp.SECRET))
                    .POST(HttpRequest.BodyPublishers.ofString(payload)).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Delivers and applies (as the worker would). */
    public String deliverAndApply(String payload) throws Exception {
        assertThat(deliver(payload)).isEqualTo(200);
        String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(payload).path("id").asText();
        job.apply(id);
        return id;
    }

    public StripeEventStatus status(String eventId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT status FROM stripe_events WHERE event_id = :id")
                .bind("id", eventId).mapTo(String.class).one()).transform(StripeEventStatus::valueOf);
    }

    public String lastError(String eventId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT last_error FROM stripe_events WHERE event_id = :id")
                .bind("id", eventId).mapTo(String.class).one());
    }

    public long count(String sql, Object... args) {
        return jdbi.withHandle(h -> {
            var q = h.createQuery(sql);
            for (int i = 0; i < args.length; i++) {
                q.bind(i, args[i]);
            }
            return q.mapTo(Long.class).one();
        });
    }

    /** A community with a connected, onboarded account (acct id given) and one tier; returns ids. */
    public record Club(UUID id, ApiCalls.User owner, String account, UUID tierId) {
    }

    public Club club(String name, String accountId, String period) throws Exception {
        ApiCalls.User owner = api.user(name + " Owner");
        UUID id = api.community(owner, name, "public", "open");
        stripe.accountCreates(accountId);
        ApiReply connect = api.call("POST", "/api/communities/" + id + "/stripe/connect", owner.token(), null);
        assertThat(connect.status()).as(connect.body().toString()).isEqualTo(200);
        stripe.accountIs(accountId, true, true, java.util.List.of());
        deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "account.updated",
                StripeStub.account(accountId, true, true, java.util.List.of()), accountId, Instant.now().getEpochSecond(), false));
        Map<String, Object> tier = new java.util.HashMap<>(Map.of("name", "Cotisation " + period, "amount", 2500,
                "currency", "EUR", "period", period));
        if ("custom".equals(period)) {
            tier.put("periodStart", "2026-09-01");
            tier.put("periodEnd", "2027-08-31");
        }
        ApiReply created = api.call("POST", "/api/communities/" + id + "/dues/tiers", owner.token(), tier);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        return new Club(id, owner, accountId, UUID.fromString(created.body().get("id").asText()));
    }

    /** A member of {@code club} with a Checkout created through the API; returns the checkout's metadata. */
    public record Payer(ApiCalls.User user, UUID checkoutId, String sessionId) {
    }

    public Payer payer(Club club, String name) {
        ApiCalls.User member = api.user(name);
        assertThat(api.call("POST", "/api/communities/" + club.id() + "/join", member.token(), null).status()).isEqualTo(201);
        ApiReply checkout = api.call("POST", "/api/communities/" + club.id() + "/dues/checkout", member.token(),
                Map.of("tierId", club.tierId().toString()));
        assertThat(checkout.status()).as(checkout.body().toString()).isEqualTo(201);
        return new Payer(member, UUID.fromString(checkout.body().get("checkoutId").asText()),
                checkout.body().get("sessionId").asText());
    }

    public static ObjectNode metadata(UUID communityId, UUID accountId, UUID checkoutId) {
        ObjectNode m = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        m.put(DuesCheckouts.META_KIND, "dues");
        m.put(DuesCheckouts.META_COMMUNITY, communityId.toString());
        m.put(DuesCheckouts.META_ACCOUNT, accountId.toString());
        m.put(DuesCheckouts.META_CHECKOUT, checkoutId.toString());
        return m;
    }

    /** The Checkout session as Stripe sends it in checkout.session.completed, paid. */
    public static JsonNode paidSession(Club club, Payer payer, String paymentIntent) {
        ObjectNode session = StripeTestEvents.object("checkout.session");
        session.put("id", payer.sessionId());
        session.put("mode", "payment");
        session.put("status", "complete");
        session.put("payment_status", "paid");
        session.put("payment_intent", paymentIntent);
        session.put("amount_total", 2500);
        session.put("amount_subtotal", 2500);
        session.put("currency", "eur");
        session.put("client_reference_id", payer.checkoutId().toString());
        session.set("metadata", metadata(club.id(), payer.user().id(), payer.checkoutId()));
        return session;
    }

    public static ObjectNode intent(Club club, Payer payer, String paymentIntent, String status) {
        ObjectNode pi = StripeTestEvents.object("payment_intent");
        pi.put("id", paymentIntent);
        pi.put("amount", 2500);
        pi.put("amount_received", "succeeded".equals(status) ? 2500 : 0);
        pi.put("currency", "eur");
        pi.put("status", status);
        pi.put("application_fee_amount", 75);
        pi.put("latest_charge", "ch_" + paymentIntent.substring(3));
        pi.set("metadata", metadata(club.id(), payer.user().id(), payer.checkoutId()));
        if ("requires_payment_method".equals(status)) {
            pi.putObject("last_payment_error").put("message", "Your card was declined.").put("type", "card_error")
                    .put("code", "card_declined");
        } else {
            pi.putNull("last_payment_error");
        }
        return pi;
    }

    public static ObjectNode refundedCharge(String paymentIntent, long refunded) {
        ObjectNode charge = StripeTestEvents.object("charge");
        charge.put("id", "ch_" + paymentIntent.substring(3));
        charge.put("payment_intent", paymentIntent);
        charge.put("amount", 2500);
        charge.put("amount_captured", 2500);
        charge.put("amount_refunded", refunded);
        charge.put("refunded", refunded >= 2500);
        charge.put("currency", "eur");
        return charge;
    }

    /** The member's dues_paid_until, null when they have none (or no membership). */
    public LocalDate paidUntil(Club club, ApiCalls.User member) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT dues_paid_until FROM memberships WHERE community_id = :c AND account_id = :a")
                .bind("c", club.id()).bind("a", member.id()).mapTo(LocalDate.class).findOne().orElse(null));
    }

    public static String pi() {
        return "pi_test" + UUID.randomUUID().toString().replace("-", "").substring(0, 18);
    }
}
