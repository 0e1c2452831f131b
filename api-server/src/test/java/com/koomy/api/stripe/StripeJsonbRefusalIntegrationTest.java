package com.koomy.api.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.StripeTestEvents;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A signed Stripe event that PostgreSQL's jsonb refuses (a {@code \u0000} escape: valid JSON, not storable
 * as jsonb) used to get 503 on every delivery until Stripe gave up: a lost event. Now it is stored as
 * {@code failed} with its raw text and the reason, answered 200, shown to operators (failed list, alert),
 * and replayable (its cleaned payload) or clearly refused (nothing storable as JSON).
 */
class StripeJsonbRefusalIntegrationTest {

    private static final String OPS = "ops-jsonb-token";

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("opsToken", OPS),
            ConfigOverride.config("alerts.evaluateEvery", "200ms"),
            ConfigOverride.config("alerts.webhookFailuresPerHourOver", "0"));

    private final ApiCalls api = new ApiCalls(app::getLocalPort);

    private ApiReply deliver(String payload) {
        return api.send("POST", "/api/webhooks/stripe", null, "application/json; charset=utf-8",
                payload.getBytes(StandardCharsets.UTF_8), "Stripe-Signature", StripeTestEvents.sign(payload, ApiTestApp.SECRET));
    }

    private static Map<String, Object> row(String eventId) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT status, raw_payload, payload::text AS payload, payload ->> 'nul' AS nul, last_error,
                               (SELECT count(*) FROM outbox WHERE ref LIKE event_id || '%') AS outbox
                          FROM stripe_events WHERE event_id = :id""")
                .bind("id", eventId).mapToMap().one());
    }

    @Test
    void aNulEscapeIsStoredAsFailedWithItsRawTextAnsweredOnceAndReplayable() {
        String id = StripeTestEvents.newEventId();
        // Valid JSON; jsonb refuses the escape ("unsupported Unicode escape sequence").
        String payload = StripeTestEvents.paymentIntentSucceeded(id).replaceFirst("\\{", "{\"nul\":\"a\\\\u0000b\",");
        assertThat(payload).contains("\"a\\u0000b\"");

        ApiReply first = deliver(payload);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().get("duplicate").asBoolean()).isFalse();
        ApiReply again = deliver(payload);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("duplicate").asBoolean()).isTrue();

        Map<String, Object> row = row(id);
        assertThat(row.get("status")).isEqualTo("failed");
        assertThat(row.get("raw_payload")).isEqualTo(payload);
        assertThat(row.get("nul")).isEqualTo("a\uFFFDb");
        assertThat((String) row.get("last_error")).contains("jsonb", "22P05", "raw_payload", "U+FFFD");
        assertThat((Long) row.get("outbox")).as("nothing applies it unasked").isZero();

        // Operators see it: the failed list with the reason, and the webhook-failures alert.
        ApiReply failed = api.get("/api/ops/stripe/events?status=failed", OPS);
        assertThat(failed.status()).isEqualTo(200);
        JsonNode item = null;
        for (JsonNode e : failed.body().get("items")) {
            if (e.get("eventId").asText().equals(id)) {
                item = e;
            }
        }
        assertThat(item).as("in the failed list").isNotNull();
        assertThat(item.get("lastError").asText()).contains("jsonb");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode alerts = api.get("/api/ops/alerts", OPS).body();
            assertThat(alerts.get("active")).extracting(JsonNode::asText).contains("webhook-failures");
        });

        // The operator's replay queues it with its cleaned payload.
        ApiReply replay = api.call("POST", "/api/ops/stripe/events/" + id + "/replay", OPS, null);
        assertThat(replay.status()).isEqualTo(202);
        assertThat(row(id).get("status")).isEqualTo("received");
        assertThat((Long) row(id).get("outbox")).isEqualTo(1);
    }

    @Test
    void anEventNotStorableAsJsonEvenCleanedKeepsItsTextAndItsReplayIsRefused() {
        String id = StripeTestEvents.newEventId();
        // Beyond PostgreSQL's numeric range as well as a NUL: cleaning the NUL is not enough.
        String payload = StripeTestEvents.paymentIntentSucceeded(id).replaceFirst("\\{", "{\"nul\":\"\\\\u0000\",\"big\":1e1000000,");

        ApiReply first = deliver(payload);
        assertThat(first.status()).isEqualTo(200);
        Map<String, Object> row = row(id);
        assertThat(row.get("status")).isEqualTo("failed");
        assertThat(row.get("raw_payload")).isEqualTo(payload);
        assertThat(row.get("payload")).isNull();
        assertThat((String) row.get("last_error")).contains("not replayable");

        ApiReply replay = api.call("POST", "/api/ops/stripe/events/" + id + "/replay", OPS, null);
        assertThat(replay.status()).isEqualTo(409);
        assertThat(replay.code()).isEqualTo("no_json_payload");
        assertThat(row(id).get("status")).isEqualTo("failed");
    }
}
