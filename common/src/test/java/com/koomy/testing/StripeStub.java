package com.koomy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A local HTTP server answering like Stripe's API for the calls Koomy makes, with Stripe's own example
 * objects (objects.json, from stripe/openapi's fixtures3.json) adapted to each test: accounts, account
 * links, Checkout sessions, customers, subscriptions, billing portal sessions, prices and the events list.
 * stripe-java reaches it through its API base setting. Register as a static extension.
 */
public class StripeStub implements BeforeAllCallback, AfterAllCallback {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server;

    /** Started at once, so an application extension built before this one's callbacks can take its address. */
    public StripeStub() {
        this(options().dynamicPort().containerThreads(64).jettyAcceptors(1));
    }

    /** On the server {@code options} describe (a fixed port, more threads: {@link StubsMain}); templating is added. */
    public StripeStub(WireMockConfiguration options) {
        server = new WireMockServer(options.globalTemplating(true));
        server.start();
        reset();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // started in the constructor
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.stop();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public WireMockServer server() {
        return server;
    }

    /** Back to the default answers: created objects get fresh ids, lists are empty. */
    public void reset() {
        server.resetAll();
        ObjectNode session = StripeTestEvents.object("checkout.session");
        session.put("id", "cs_test_{{randomValue length=24 type='ALPHANUMERIC'}}");
        session.put("url", "https://checkout.stripe.com/c/pay/cs_test_{{randomValue length=16 type='ALPHANUMERIC'}}");
        server.stubFor(post(urlPathEqualTo("/v1/checkout/sessions")).willReturn(ok(session)));
        ObjectNode link = StripeTestEvents.object("account_link");
        link.put("url", "https://connect.stripe.com/setup/e/acct_stub/{{randomValue length=12 type='ALPHANUMERIC'}}");
        link.put("expires_at", System.currentTimeMillis() / 1000 + 300);
        server.stubFor(post(urlPathEqualTo("/v1/account_links")).willReturn(ok(link)));
        ObjectNode portal = StripeTestEvents.object("billing_portal.session");
        portal.put("url", "https://billing.stripe.com/p/session/test_{{randomValue length=16 type='ALPHANUMERIC'}}");
        server.stubFor(post(urlPathEqualTo("/v1/billing_portal/sessions")).willReturn(ok(portal)));
        events(List.of());
    }

    /** {@code POST /v1/refunds} creates refund {@code refundId} in state {@code status} (Stripe's pending or succeeded). */
    public void refundCreates(String refundId, String status) {
        ObjectNode refund = StripeTestEvents.object("refund");
        refund.put("id", refundId);
        refund.put("status", status);
        server.stubFor(post(urlPathEqualTo("/v1/refunds")).willReturn(ok(refund)));
    }

    /** {@code POST /v1/accounts} creates the Express account {@code accountId} (onboarding not done). */
    public void accountCreates(String accountId) {
        server.stubFor(post(urlPathEqualTo("/v1/accounts")).willReturn(ok(account(accountId, false, false, List.of("external_account")))));
    }

    /** {@code GET /v1/accounts/{id}} answers this state: what Stripe holds now. */
    public void accountIs(String accountId, boolean chargesEnabled, boolean payoutsEnabled, List<String> due) {
        server.stubFor(get(urlPathEqualTo("/v1/accounts/" + accountId)).willReturn(ok(account(accountId, chargesEnabled, payoutsEnabled, due))));
    }

    public static ObjectNode account(String accountId, boolean chargesEnabled, boolean payoutsEnabled, List<String> due) {
        ObjectNode account = StripeTestEvents.object("account");
        account.put("id", accountId);
        account.put("type", "express");
        account.put("country", "FR");
        account.put("charges_enabled", chargesEnabled);
        account.put("payouts_enabled", payoutsEnabled);
        account.put("details_submitted", chargesEnabled);
        ObjectNode requirements = (ObjectNode) account.get("requirements");
        ArrayNode currentlyDue = requirements.putArray("currently_due");
        due.forEach(currentlyDue::add);
        if (due.isEmpty()) {
            requirements.putNull("disabled_reason");
        }
        return account;
    }

    public void customerCreates(String customerId) {
        ObjectNode customer = StripeTestEvents.object("customer");
        customer.put("id", customerId);
        server.stubFor(post(urlPathEqualTo("/v1/customers")).willReturn(ok(customer)));
    }

    /** {@code GET /v1/subscriptions/{id}}: the subscription as Stripe holds it now. */
    public void subscriptionIs(String subscriptionId, String customerId, String priceId, String status, long periodEnd,
                               String latestInvoice) {
        server.stubFor(get(urlPathEqualTo("/v1/subscriptions/" + subscriptionId))
                .willReturn(ok(subscription(subscriptionId, customerId, priceId, status, periodEnd, latestInvoice))));
    }

    public static ObjectNode subscription(String subscriptionId, String customerId, String priceId, String status,
                                          long periodEnd, String latestInvoice) {
        ObjectNode sub = StripeTestEvents.object("subscription");
        sub.put("id", subscriptionId);
        sub.put("customer", customerId);
        sub.put("status", status);
        sub.put("cancel_at_period_end", false);
        sub.put("latest_invoice", latestInvoice);
        ObjectNode item = (ObjectNode) sub.path("items").path("data").get(0);
        ((ObjectNode) item.get("price")).put("id", priceId);
        item.put("subscription", subscriptionId);
        item.put("current_period_end", periodEnd);
        return sub;
    }

    public void priceIs(String priceId, long unitAmount, String currency) {
        ObjectNode price = StripeTestEvents.object("price");
        price.put("id", priceId);
        price.put("unit_amount", unitAmount);
        price.put("currency", currency);
        server.stubFor(get(urlPathEqualTo("/v1/prices/" + priceId)).willReturn(ok(price)));
    }

    /** {@code GET /v1/events} lists these, for the platform and every account (the test decides what is missed). */
    public void events(List<String> eventsJson) {
        events(null, eventsJson);
    }

    /** {@code GET /v1/events} with {@code Stripe-Account: account} lists these (null: any account or none). */
    public void events(String account, List<String> eventsJson) {
        ObjectNode list = JSON.createObjectNode();
        list.put("object", "list");
        list.put("url", "/v1/events");
        list.put("has_more", false);
        ArrayNode data = list.putArray("data");
        for (String event : eventsJson) {
            try {
                data.add(JSON.readTree(event));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e);
            }
        }
        var mapping = get(urlPathEqualTo("/v1/events"));
        if (account != null) {
            mapping = mapping.withHeader("Stripe-Account", com.github.tomakehurst.wiremock.client.WireMock.equalTo(account)).atPriority(1);
        } else {
            mapping = mapping.atPriority(5);
        }
        server.stubFor(mapping.willReturn(ok(list)));
    }

    public List<LoggedRequest> requests(String method, String path) {
        return server.getAllServeEvents().stream().map(e -> e.getRequest())
                .filter(r -> r.getMethod().value().equals(method) && r.getUrl().split("\\?")[0].equals(path))
                .map(r -> (LoggedRequest) r)
                .toList();
    }

    public static ResponseDefinitionBuilder ok(JsonNode body) {
        return aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("Request-Id", "req_" + UUID.randomUUID().toString().replace("-", "").substring(0, 14))
                .withHeader("Stripe-Version", "2024-06-20")
                .withBody(body.toString());
    }

    /** Stripe's answer when its rate limit is hit. */
    public static ResponseDefinitionBuilder rateLimited() {
        return aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                .withHeader("Request-Id", "req_ratelimited01")
                .withBody("""
                        {"error": {"code": "rate_limit", "message": "Request rate limit exceeded. Learn more about rate \
                        limits here https://stripe.com/docs/rate-limits.", "type": "invalid_request_error"}}
                        """);
    }

    public static ResponseDefinitionBuilder serverError() {
        return aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                .withBody("""
                        {"error": {"message": "An unknown error occurred", "type": "api_error"}}
                        """);
    }
}
