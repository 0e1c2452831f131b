package com.koomy.api.newsletters;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The newsletter tests' database, API and world, one extension: a community with its owner and two members, a
 * stranger who owns another community; drafting and sending as the owner (the worker's jobs run by
 * {@link NewsletterDelivery}), and what the operators' outbox and the database hold afterwards.
 */
final class NewsletterWorld implements BeforeAllCallback, AfterAllCallback {

    static final String SECRET = "unsubscribe-test-secret-" + UUID.randomUUID();
    static final String OPS_TOKEN = "ops-token-newsletters-" + UUID.randomUUID();
    static final String PUBLIC_URL = "https://koomy.test";

    final TestDatabase db = new TestDatabase();
    final DropwizardAppExtension<ApiConfiguration> app = app(db);
    ApiCalls api;
    NewsletterDelivery worker;
    User owner;
    User ada;
    User bob;
    User stranger;
    UUID community;
    UUID otherCommunity;

    private static DropwizardAppExtension<ApiConfiguration> app(TestDatabase db) {
        return ApiTestApp.on(db,
                ConfigOverride.config("unsubscribeSecret", SECRET),
                ConfigOverride.config("opsToken", OPS_TOKEN),
                ConfigOverride.config("publicUrl", PUBLIC_URL),
                // The free plan, with room for a test class's sends in the shared community, and limits that
                // NewsletterRefusalsIntegrationTest reaches in a community of its own.
                ConfigOverride.config("payments.plans[0].newslettersPerMonth", "6"),
                ConfigOverride.config("payments.plans[0].newsletterAudience", "3"));
    }

    /** The database, then the API on it, then the world in it: in this order, whatever JUnit's order of extensions. */
    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        db.beforeAll(context);
        app.beforeAll(context);
        api = new ApiCalls(() -> app.getLocalPort());
        worker = new NewsletterDelivery(db.jdbi(), PUBLIC_URL, SECRET);
        owner = api.user("Olga Owner");
        ada = api.user("Ada Member");
        bob = api.user("Bob Member");
        stranger = api.user("Sam Stranger");
        community = api.community(owner, "Chess Club " + UUID.randomUUID().toString().substring(0, 6), "public", "open");
        otherCommunity = api.community(stranger, "Other Club " + UUID.randomUUID().toString().substring(0, 6), "public", "open");
        assertThat(api.call("POST", "/api/communities/" + community + "/join", ada.token(), null).status()).isEqualTo(201);
        assertThat(api.call("POST", "/api/communities/" + community + "/join", bob.token(), null).status()).isEqualTo(201);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            app.afterAll(context);
        } finally {
            db.afterAll(context);
        }
    }

    String base() {
        return "/api/communities/" + community + "/newsletters";
    }

    UUID draft(String subject, String body, String segment) {
        ApiReply created = api.call("POST", base(), owner.token(), Map.of("subject", subject, "body", body, "segment", segment));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        assertThat(created.body().get("status").asText()).isEqualTo("draft");
        return UUID.fromString(created.body().get("id").asText());
    }

    JsonNode sendNow(UUID id) throws Exception {
        ApiReply sent = api.call("POST", base() + "/" + id + "/send", owner.token(), Map.of());
        assertThat(sent.status()).as(sent.body().toString()).isEqualTo(202);
        assertThat(sent.body().get("status").asText()).isEqualTo("queued");
        worker.drain();
        ApiReply after = api.get(base() + "/" + id, owner.token());
        assertThat(after.status()).isEqualTo(200);
        return after.body();
    }

    /** Every recipient of the newsletter's batches, as the operators' outbox lists them, with their headers. */
    Map<String, JsonNode> received(UUID newsletterId) {
        ApiReply outbox = api.get("/api/ops/outbox?limit=200", OPS_TOKEN);
        assertThat(outbox.status()).isEqualTo(200);
        Map<String, JsonNode> byAddress = new java.util.HashMap<>();
        for (JsonNode email : outbox.body().get("items")) {
            if (newsletterId.toString().equals(email.path("newsletterId").asText())) {
                assertThat(email.get("status").asText()).isEqualTo("sent");
                for (JsonNode h : email.get("headers")) {
                    byAddress.put(h.get("email").asText(), h.get("headers"));
                }
            }
        }
        return byAddress;
    }

    static String unsubscribeLink(JsonNode headers) {
        String value = headers.get("List-Unsubscribe").asText();
        int start = value.indexOf("<https://");
        return value.substring(start + 1, value.indexOf('>', start));
    }

    long count() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM newsletters").mapTo(Long.class).one());
    }

    long outboxRows(UUID newsletterId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM outbox WHERE kind = 'newsletter' AND ref LIKE :id || '%'")
                .bind("id", newsletterId.toString()).mapTo(Long.class).one());
    }
}
