package com.koomy.api.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pool of two connections held by concurrent slow queries: the db-pool alert and the pool gauges
 * show it while it lasts (even though the sampler's own queries then wait), and clear afterwards.
 */
class OpsPoolAlertIntegrationTest {

    private static final String TOKEN = "ops-token-for-pool-tests-0123";

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(StatsTestApp.class, db,
            ConfigOverride.config("opsToken", TOKEN),
            ConfigOverride.config("alerts.evaluateEvery", "200ms"),
            ConfigOverride.config("database.maxSize", "2"),
            ConfigOverride.config("database.minSize", "1"),
            ConfigOverride.config("database.initialSize", "1"),
            ConfigOverride.config("database.maxWaitForConnection", "500ms"));

    /** The operator token goes to /api/ops only: elsewhere a bearer is a session token, and this one is none. */
    private static Response get(String path) {
        var request = app.client().target("http://localhost:" + app.getLocalPort() + path).request();
        return (path.startsWith("/api/ops") ? request.header("Authorization", "Bearer " + TOKEN) : request).get();
    }

    private static JsonNode dbPoolAlert() {
        try (Response response = get("/api/ops/alerts")) {
            for (JsonNode alert : response.readEntity(JsonNode.class).get("alerts")) {
                if (alert.get("name").asText().equals("db-pool")) {
                    return alert;
                }
            }
        }
        throw new AssertionError("no db-pool alert");
    }

    @Test
    void anExhaustedPoolRaisesTheAlertThenRecovers() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(dbPoolAlert().get("active").asBoolean()).isFalse());

        CompletableFuture<?> holders = CompletableFuture.allOf(IntStream.range(0, 2).mapToObj(i -> CompletableFuture.runAsync(() -> {
            try (Response r = get("/api/test/db-sleep?ms=4000")) {
                assertThat(r.getStatus()).isEqualTo(200);
            }
        })).toArray(CompletableFuture[]::new));

        await().atMost(Duration.ofSeconds(4)).untilAsserted(() -> {
            JsonNode alert = dbPoolAlert();
            assertThat(alert.get("active").asBoolean()).isTrue();
            assertThat(alert.get("value").asDouble()).isEqualTo(1.0);
            assertThat(alert.get("message").asText()).contains("postgresql 2/2 busy");
        });
        try (Response stats = get("/api/ops/stats")) {
            // The statistics route needs the database for job figures: with the pool exhausted it fails
            // fast (maxWaitForConnection) with the one error shape rather than hang.
            assertThat(stats.getStatus()).isIn(200, 500, 503);
        }
        try (Response metrics = app.client().target("http://localhost:" + app.getAdminPort() + "/metrics").request()
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        ApiTestApp.ADMIN_CREDENTIALS.getBytes(java.nio.charset.StandardCharsets.UTF_8))).get()) {
            JsonNode gauges = metrics.readEntity(JsonNode.class).get("gauges");
            assertThat(gauges.at("/koomy.db.postgresql.usage/value").asDouble()).isEqualTo(1.0);
            assertThat(gauges.has("koomy.redis.pool.usage")).isTrue();
            assertThat(gauges.has("koomy.jobs.enqueued")).isTrue();
            assertThat(gauges.has("koomy.emails.failed")).isTrue();
            assertThat(gauges.has("koomy.webhooks.stripe.failed")).isTrue();
        }

        holders.join();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(dbPoolAlert().get("active").asBoolean()).isFalse());
    }
}
