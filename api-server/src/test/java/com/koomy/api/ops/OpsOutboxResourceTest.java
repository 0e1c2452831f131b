package com.koomy.api.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ResourceTests;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link OpsOutboxResource} alone, as {@link OpsRoutes} registers it: the outbox list, test emails, resend, mark sent. */
class OpsOutboxResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(OpsOutboxResource.class, t -> OpsRoutes.register(t.app()));

    private static UUID queueTest(String to, String template) {
        ApiReply queued = api.operator().post("/api/ops/emails/test", Map.of("to", to, "template", template, "locale", "fr"));
        assertThat(queued.status()).as(queued.body().toString()).isEqualTo(200);
        return UUID.fromString(queued.body().get("id").asText());
    }

    private static void setStatus(UUID id, String status) {
        api.jdbi().useHandle(h -> h.createUpdate("UPDATE emails SET status = :status WHERE id = :id")
                .bind("status", status).bind("id", id).execute());
    }

    @Test
    void everyRouteIsForOperators() {
        String account = api.account("Member").token();
        for (String path : new String[]{"/api/ops/outbox", "/api/ops/emails/" + UUID.randomUUID() + "/resend"}) {
            ApiReply anonymous = path.endsWith("resend") ? api.anonymous().post(path, null) : api.anonymous().get(path);
            anonymous.assertError(401, "unauthorized");
            ApiReply member = path.endsWith("resend") ? api.bearer(account).post(path, null) : api.bearer(account).get(path);
            member.assertError(403, "forbidden");
        }
        api.bearer(account).post("/api/ops/emails/test", Map.of("to", "x@example.org")).assertError(403, "forbidden");
        assertThat(api.as(api.operatorAccount("Operator")).get("/api/ops/outbox").status()).isEqualTo(200);
    }

    @Test
    void aTestEmailIsQueuedAndListedNewestFirstWithItsFilter() {
        UUID first = queueTest("first@example.org", "password_reset");
        UUID second = queueTest("second@example.org", "welcome");
        setStatus(first, "sent");

        JsonNode queued = api.operator().get("/api/ops/outbox?status=queued&limit=10").body();
        assertThat(queued.get("page").asInt()).isEqualTo(1);
        assertThat(queued.get("limit").asInt()).isEqualTo(10);
        assertThat(queued.get("items").findValuesAsText("id")).contains(second.toString()).doesNotContain(first.toString());
        JsonNode item = queued.get("items").get(0);
        assertThat(item.get("template").asText()).isEqualTo("welcome");
        assertThat(item.get("locale").asText()).isEqualTo("fr");
        assertThat(item.get("idempotencyKey").asText()).startsWith("ops-test:");
        assertThat(item.get("recipients").get(0).get("email").asText()).isEqualTo("second@example.org");

        JsonNode sent = api.operator().get("/api/ops/outbox?status=sent&limit=1").body();
        assertThat(sent.get("total").asLong()).isEqualTo(1);
        assertThat(sent.get("items").get(0).get("id").asText()).isEqualTo(first.toString());
    }

    @Test
    void badListParametersAndBadTestEmailsAreRefusedNamingTheField() {
        assertFields(api.operator().get("/api/ops/outbox?status=lost"), "invalid_status", "status");
        assertFields(api.operator().get("/api/ops/outbox?page=0"), "invalid_page", "page");
        assertFields(api.operator().get("/api/ops/outbox?limit=201"), "invalid_page", "limit");

        long emails = api.count("emails");
        assertFields(api.operator().post("/api/ops/emails/test", Map.of("template", "welcome")), "invalid_request", "to");
        assertFields(api.operator().post("/api/ops/emails/test", Map.of("to", "nobody")), "invalid_recipient", "to");
        assertFields(api.operator().post("/api/ops/emails/test", Map.of("to", "a@example.org", "template", "nope")),
                "invalid_template", "template");
        assertFields(api.operator().post("/api/ops/emails/test", Map.of("to", "a@example.org", "locale", "de")),
                "invalid_locale", "locale");
        assertFields(api.operator().post("/api/ops/emails/test", Map.of("to", "a@example.org", "cc", "b@example.org")),
                "unknown_field", "cc");
        assertFields(api.operator().post("/api/ops/emails/test", Map.of("to", 5)), "validation_failed", "to");
        assertThat(api.count("emails")).isEqualTo(emails);
    }

    @Test
    void resendAndMarkSentActOnlyOnTheStatusesTheyAreFor() {
        UUID email = queueTest("held@example.org", "welcome");

        api.operator().post("/api/ops/emails/" + UUID.randomUUID() + "/resend", null).assertError(404, "not_found");
        api.operator().post("/api/ops/emails/" + UUID.randomUUID() + "/mark-sent", null).assertError(404, "not_found");
        api.operator().post("/api/ops/emails/" + email + "/resend", null).assertError(409, "conflict");
        api.operator().post("/api/ops/emails/" + email + "/mark-sent", null).assertError(409, "conflict");

        setStatus(email, "sending");
        JsonNode marked = api.operator().post("/api/ops/emails/" + email + "/mark-sent", null).body();
        assertThat(marked.get("status").asText()).isEqualTo("sent");
        assertThat(marked.get("id").asText()).isEqualTo(email.toString());

        setStatus(email, "failed");
        JsonNode resent = api.operator().post("/api/ops/emails/" + email + "/resend", null).body();
        assertThat(resent.get("status").asText()).isEqualTo("queued");
        assertThat(resent.get("idempotencyKey").asText()).startsWith("ops-test:");
        String stored = api.jdbi().withHandle(h -> h.createQuery("SELECT status FROM emails WHERE id = :id").bind("id", email)
                .mapTo(String.class).one());
        assertThat(stored).isEqualTo("queued");
    }
}
