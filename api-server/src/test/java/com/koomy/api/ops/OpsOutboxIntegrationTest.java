package com.koomy.api.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.email.EmailDao;
import com.koomy.email.EmailStatus;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class OpsOutboxIntegrationTest {

    private static final String TOKEN = "ops-token-for-tests-0123456789";

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db, ConfigOverride.config("opsToken", TOKEN));

    private Invocation.Builder call(String path, String authorization) {
        Invocation.Builder builder = app.client().target("http://localhost:" + app.getLocalPort() + path).request();
        return authorization == null ? builder : builder.header("Authorization", authorization);
    }

    @Test
    void everyOpsRouteNeedsTheOperatorToken() {
        for (String auth : new String[]{null, "Bearer wrong-token", "Basic " + TOKEN, "Bearer " + TOKEN + "x"}) {
            try (Response response = call("/api/ops/outbox", auth).get()) {
                assertThat(response.getStatus()).isEqualTo(401);
                JsonNode error = response.readEntity(JsonNode.class);
                // No bearer: unauthorized; a bearer that is neither the operator token nor a session: invalid_session.
                assertThat(ApiReply.errorIn(error).code())
                        .isEqualTo(auth != null && auth.startsWith("Bearer") ? "invalid_session" : "unauthorized");
                assertThat(ApiReply.errorIn(error).status()).isEqualTo(401);
            }
        }
        try (Response response = call("/api/ops/emails/test", null).post(Entity.json(Map.of("to", "x@example.org")))) {
            assertThat(response.getStatus()).isEqualTo(401);
        }
        try (Response response = call("/api/ops/no-such-route", null).get()) {
            // Access is checked on the matched method: no method, 404 (the routes are in the public document).
            assertThat(response.getStatus()).isEqualTo(404);
        }
        long emails = db.jdbi().withExtension(EmailDao.class, dao -> dao.count(null));
        assertThat(emails).isZero();
    }

    @Test
    void aTestEmailIsQueuedAndListedWithItsStatus() {
        UUID id;
        try (Response response = call("/api/ops/emails/test", "Bearer " + TOKEN)
                .post(Entity.json(Map.of("to", "Operator@Example.org", "template", "password_reset", "locale", "fr")))) {
            assertThat(response.getStatus()).isEqualTo(200);
            id = UUID.fromString(response.readEntity(JsonNode.class).get("id").asText());
        }
        try (Response response = call("/api/ops/outbox?status=queued&limit=10", "Bearer " + TOKEN).get()) {
            assertThat(response.getStatus()).isEqualTo(200);
            JsonNode page = response.readEntity(JsonNode.class);
            assertThat(page.get("total").asLong()).isGreaterThanOrEqualTo(1);
            JsonNode first = page.get("items").get(0);
            assertThat(first.get("id").asText()).isEqualTo(id.toString());
            assertThat(first.get("template").asText()).isEqualTo("password_reset");
            assertThat(first.get("recipients").get(0).get("email").asText()).isEqualTo("operator@example.org");
        }
        // The API only queues: the outbox row is there for the worker.
        int outbox = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM outbox WHERE kind = 'email' AND ref = :ref")
                .bind("ref", id.toString()).mapTo(Integer.class).one());
        assertThat(outbox).isEqualTo(1);
    }

    @Test
    void badInputIsAClearErrorAndChangesNothing() {
        long before = db.jdbi().withExtension(EmailDao.class, dao -> dao.count(null));
        try (Response response = call("/api/ops/emails/test", "Bearer " + TOKEN).post(Entity.json(Map.of("to", "not-an-address")))) {
            assertThat(response.getStatus()).isEqualTo(400);
            assertThat(ApiReply.errorIn(response.readEntity(JsonNode.class)).code()).isEqualTo("invalid_recipient");
        }
        try (Response response = call("/api/ops/emails/test", "Bearer " + TOKEN)
                .post(Entity.json(Map.of("to", "a@example.org", "template", "spam")))) {
            assertThat(response.getStatus()).isEqualTo(400);
            assertThat(ApiReply.errorIn(response.readEntity(JsonNode.class)).code()).isEqualTo("invalid_template");
        }
        try (Response response = call("/api/ops/outbox?status=lost", "Bearer " + TOKEN).get()) {
            assertThat(response.getStatus()).isEqualTo(400);
        }
        try (Response response = call("/api/ops/outbox?limit=1000", "Bearer " + TOKEN).get()) {
            assertThat(response.getStatus()).isEqualTo(400);
        }
        long after = db.jdbi().withExtension(EmailDao.class, dao -> dao.count(null));
        assertThat(after).isEqualTo(before);
    }

    @Test
    void anOperatorDecidesAboutAnEmailHeldInSending() {
        UUID id;
        try (Response response = call("/api/ops/emails/test", "Bearer " + TOKEN)
                .post(Entity.json(Map.of("to", "held@example.org", "template", "payment_receipt")))) {
            id = UUID.fromString(response.readEntity(JsonNode.class).get("id").asText());
        }
        try (Response response = call("/api/ops/emails/" + id + "/resend", "Bearer " + TOKEN).post(Entity.json("{}"))) {
            assertThat(response.getStatus()).isEqualTo(409); // queued: nothing to decide
        }
        db.jdbi().useHandle(h -> h.execute("UPDATE emails SET status = 'sending', last_error = 'interrupted' WHERE id = ?", id));

        try (Response response = call("/api/ops/emails/" + id + "/mark-sent", "Bearer " + TOKEN).post(Entity.json("{}"))) {
            assertThat(response.getStatus()).isEqualTo(200);
        }
        assertThat(db.jdbi().withExtension(EmailDao.class, dao -> dao.find(id)).orElseThrow().status()).isEqualTo(EmailStatus.sent);
        try (Response response = call("/api/ops/emails/" + id + "/resend", "Bearer " + TOKEN).post(Entity.json("{}"))) {
            assertThat(response.getStatus()).isEqualTo(409); // sent is final
        }
        try (Response response = call("/api/ops/emails/" + UUID.randomUUID() + "/resend", "Bearer " + TOKEN).post(Entity.json("{}"))) {
            assertThat(response.getStatus()).isEqualTo(404);
        }
    }
}
