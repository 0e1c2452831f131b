package com.koomy.api.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.billing.Plan;
import com.koomy.config.PaymentsFactory;
import com.koomy.testing.TestStack;
import com.koomy.testing.ApiReply;
import com.koomy.testing.StripeStub;
import com.koomy.testing.StripeTestEvents;
import com.koomy.stripe.events.StripeEventStatus;
import io.dropwizard.testing.ConfigOverride;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plans through Stripe Billing: the cached plan list, subscribing through Checkout, the portal, the
 * subscription and invoice webhooks in any order, and the plan's limits with their 402/403 answers.
 */
class BillingIntegrationTest {

    static final List<Plan> PLANS = List.of(
            new Plan("free", "Free", null, 0, "eur", null, 2, 10, 0, 4, 100),
            new Plan("association", "Association", "price_test_association", 1900, "eur", "month", 3, 100, 5, 30, 1000),
            new Plan("federation", "Federation", "price_test_federation", 9900, "eur", "month", null, null, 300, null, null));

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = PaymentsWorld.stack(
            ConfigOverride.config("openai.apiKey", "sk-test-not-a-real-key"),
            ConfigOverride.config("cache.plansTtl", "1h"),
            ConfigOverride.config("payments.plans[0].maxMembers", "2"),
            ConfigOverride.config("payments.plans[0].aiDraftsPerMonth", "0"),
            ConfigOverride.config("payments.plans[1].priceId", "price_test_association"),
            ConfigOverride.config("payments.plans[1].maxMembers", "3"),
            ConfigOverride.config("payments.plans[1].aiDraftsPerMonth", "5"),
            ConfigOverride.config("payments.plans[2].priceId", "price_test_federation"));

    private final PaymentsWorld world = new PaymentsWorld(stack.app::getLocalPort, stack.stripe, stack.db, payments());

    private static PaymentsFactory payments() {
        PaymentsFactory f = new PaymentsFactory();
        f.setPlans(PLANS);
        return f;
    }

    private static ObjectNode subscriptionObject(String sub, String customer, String price, String status, UUID community) {
        ObjectNode s = StripeStub.subscription(sub, customer, price, status, Instant.now().getEpochSecond() + 30 * 86400, "in_test_1");
        s.putObject("metadata").put("koomy_community_id", community.toString());
        return s;
    }

    @Test
    void plansAreListedWithPricesFromStripeAndCached() {
        stack.stripe.priceIs("price_test_association", 2400, "eur");
        JsonNode plans = world.api.get("/api/plans", null).body();
        assertThat(plans.get("items")).hasSize(3);
        assertThat(plans.get("items").get(1).get("amount").asLong()).isEqualTo(2400);
        assertThat(plans.get("items").get(0).get("maxMembers").asInt()).isEqualTo(2);
        int priceReads = stack.stripe.requests("GET", "/v1/prices/price_test_association").size();
        stack.stripe.priceIs("price_test_association", 9999, "eur");
        // Served from the cache for about an hour: Stripe is not asked again and the amount stays.
        assertThat(world.api.get("/api/plans", null).body().get("items").get(1).get("amount").asLong()).isEqualTo(2400);
        assertThat(stack.stripe.requests("GET", "/v1/prices/price_test_association")).hasSize(priceReads);
    }

    @Test
    void limitsAnswer402And403UntilASubscriptionLiftsThemAndTheEventsOrderDoesNotMatter() throws Exception {
        ApiCalls.User owner = world.api.user("Paula Plan");
        UUID club = world.api.community(owner, "Club Forfait", "public", "open");
        ApiCalls.User second = world.api.user("Sam Second");
        assertThat(world.api.call("POST", "/api/communities/" + club + "/join", second.token(), null).status()).isEqualTo(201);
        ApiCalls.User third = world.api.user("Tina Third");
        ApiReply full = world.api.call("POST", "/api/communities/" + club + "/join", third.token(), null);
        assertThat(full.status()).isEqualTo(402);
        assertThat(full.code()).isEqualTo("plan_limit_reached");
        assertThat(full.body().toString()).contains("allows 2");
        ApiReply draft = world.api.call("POST", "/api/communities/" + club + "/news/drafts", owner.token(),
                Map.of("brief", "Annonce de l'assemblée générale"));
        assertThat(draft.status()).isEqualTo(403);
        assertThat(draft.code()).isEqualTo("not_in_plan");
        assertThat(world.count("SELECT count(*) FROM content_drafts WHERE community_id = ?", club)).isZero();

        // Subscribing: a customer once per community, Checkout in subscription mode, then the portal.
        String customer = "cus_test" + UUID.randomUUID().toString().substring(0, 8);
        stack.stripe.customerCreates(customer);
        ApiReply checkout = world.api.call("POST", "/api/communities/" + club + "/subscription/checkout", owner.token(),
                Map.of("plan", "association"));
        assertThat(checkout.status()).as(checkout.body().toString()).isEqualTo(201);
        assertThat(world.api.call("POST", "/api/communities/" + club + "/subscription/checkout", owner.token(),
                Map.of("plan", "association")).status()).isEqualTo(201);
        assertThat(stack.stripe.requests("POST", "/v1/customers").stream()
                .filter(r -> ("customer:" + club).equals(r.getHeader("Idempotency-Key"))).count()).isEqualTo(1);
        String form = java.net.URLDecoder.decode(stack.stripe.requests("POST", "/v1/checkout/sessions").stream()
                .filter(r -> r.getBodyAsString().contains(customer)).findFirst().orElseThrow().getBodyAsString(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(form).contains("mode=subscription", "line_items[0][price]=price_test_association",
                "subscription_data[metadata][koomy_community_id]=" + club);
        assertThat(world.api.call("POST", "/api/communities/" + club + "/subscription/checkout", second.token(),
                Map.of("plan", "association")).status()).isEqualTo(403);
        assertThat(world.api.call("POST", "/api/communities/" + club + "/subscription/checkout", owner.token(),
                Map.of("plan", "free")).code()).isEqualTo("invalid_plan");
        ApiReply portal = world.api.call("POST", "/api/communities/" + club + "/subscription/portal", owner.token(), null);
        assertThat(portal.body().get("url").asText()).startsWith("https://billing.stripe.com/");

        // Stripe now holds the subscription on the federation price (upgraded since); the events arrive
        // out of order: updated before created, and an old update (association) after the newer one.
        String sub = "sub_test" + UUID.randomUUID().toString().substring(0, 8);
        stack.stripe.subscriptionIs(sub, customer, "price_test_federation", "active", Instant.now().getEpochSecond() + 30 * 86400, "in_test_1");
        long t = Instant.now().getEpochSecond();
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "customer.subscription.updated",
                subscriptionObject(sub, customer, "price_test_federation", "active", club), null, t + 10, false));
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "customer.subscription.created",
                subscriptionObject(sub, customer, "price_test_association", "incomplete", club), null, t, false));
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "customer.subscription.updated",
                subscriptionObject(sub, customer, "price_test_association", "active", club), null, t + 5, false));
        JsonNode current = world.api.get("/api/communities/" + club + "/subscription", owner.token()).body();
        assertThat(current.get("plan").asText()).isEqualTo("federation");
        assertThat(current.get("status").asText()).isEqualTo("active");
        assertThat(current.get("usage").get("members").asLong()).isEqualTo(2);

        assertThat(world.api.call("POST", "/api/communities/" + club + "/join", third.token(), null).status()).isEqualTo(201);
        assertThat(world.api.call("POST", "/api/communities/" + club + "/news/drafts", owner.token(),
                Map.of("brief", "Annonce de l'assemblée générale")).status()).isEqualTo(202);

        // A failed renewal: Stripe says past_due (the plan holds while Stripe retries), the invoice is marked.
        stack.stripe.subscriptionIs(sub, customer, "price_test_federation", "past_due", Instant.now().getEpochSecond() + 30 * 86400, "in_test_2");
        ObjectNode invoice = StripeTestEvents.object("invoice");
        invoice.put("id", "in_test_2");
        invoice.put("customer", customer);
        invoice.put("subscription", sub);
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "invoice.payment_failed", invoice, null, t + 20, false));
        current = world.api.get("/api/communities/" + club + "/subscription", owner.token()).body();
        assertThat(current.get("plan").asText()).isEqualTo("federation");
        assertThat(current.get("status").asText()).isEqualTo("past_due");
        assertThat(current.get("latestInvoiceStatus").asText()).isEqualTo("payment_failed");

        // Cancelled: back to the free plan, whose limits apply to newcomers again.
        stack.stripe.subscriptionIs(sub, customer, "price_test_federation", "canceled", Instant.now().getEpochSecond(), "in_test_2");
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "customer.subscription.deleted",
                subscriptionObject(sub, customer, "price_test_federation", "canceled", club), null, t + 30, false));
        assertThat(world.api.get("/api/communities/" + club + "/subscription", owner.token()).body().get("plan").asText())
                .isEqualTo("free");
        assertThat(world.api.call("POST", "/api/communities/" + club + "/join", world.api.user("Ulla Fourth").token(), null)
                .status()).isEqualTo(402);
    }

    @Test
    void aSubscriptionEventForAnotherCommunitysCustomerIsRefused() throws Exception {
        ApiCalls.User owner = world.api.user("Quentin Quiet");
        UUID club = world.api.community(owner, "Club Client", "public", "open");
        String customer = "cus_test" + UUID.randomUUID().toString().substring(0, 8);
        stack.stripe.customerCreates(customer);
        world.api.call("POST", "/api/communities/" + club + "/subscription/checkout", owner.token(), Map.of("plan", "association"));
        String sub = "sub_test" + UUID.randomUUID().toString().substring(0, 8);
        stack.stripe.subscriptionIs(sub, customer, "price_test_federation", "active", Instant.now().getEpochSecond() + 86400, "in_x");
        String id = world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "customer.subscription.created",
                subscriptionObject(sub, customer, "price_test_federation", "active", UUID.randomUUID()), null,
                Instant.now().getEpochSecond(), false));
        assertThat(world.status(id)).isEqualTo(StripeEventStatus.refused);
        assertThat(world.api.get("/api/communities/" + club + "/subscription", owner.token()).body().get("plan").asText())
                .isEqualTo("free");
    }
}
