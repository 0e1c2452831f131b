package com.koomy.api.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestRedis;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Statistics and alerts move when requests get slow or fail, jobs fail or wait, Stripe events fail and
 * the job server goes away; and they recover when that stops. Thresholds are lowered so a test can
 * cross them in seconds; the evaluation runs every 200 ms. Tests run in order: each leaves the
 * requests window as the next expects.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpsStatsIntegrationTest {

    private static final String TOKEN = "ops-token-for-stats-tests-0123";

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(StatsTestApp.class, db,
            ConfigOverride.config("opsToken", TOKEN),
            ConfigOverride.config("stats.flushEvery", "200ms"),
            ConfigOverride.config("alerts.evaluateEvery", "200ms"),
            ConfigOverride.config("alerts.minRequests", "5"),
            ConfigOverride.config("alerts.meanLatencyOver", "200ms"),
            ConfigOverride.config("alerts.p95LatencyOver", "300ms"),
            ConfigOverride.config("alerts.errorRateOver", "0.05"),
            ConfigOverride.config("alerts.webhookFailuresPerHourOver", "2"),
            ConfigOverride.config("alerts.oldestQueuedJobOver", "10m"),
            ConfigOverride.config("alerts.failedJobsWindow", "10m"));

    private static JobRunrTables jobrunr;
    private static final UUID SERVER = UUID.randomUUID();
    private final OpsStatsCalls ops = new OpsStatsCalls(app, TOKEN);

    @BeforeAll
    static void jobServer() {
        jobrunr = JobRunrTables.create(db);
        jobrunr.server(SERVER, Instant.now());
    }

    @BeforeEach
    void heartbeat() {
        jobrunr.server(SERVER, Instant.now()); // a live worker beats every few seconds
    }

    @Test
    @Order(1)
    void quietAtFirstAndTheHealthRouteStaysUpWithAlertsInItsDetails() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(ops.alert("job-server").get("active").asBoolean()).isFalse();
            assertThat(ops.alert("latency-mean").get("active").asBoolean()).isFalse();
        });
        try (Response response = ops.get("/api/health")) {
            assertThat(response.getStatus()).isEqualTo(200);
            JsonNode body = response.readEntity(JsonNode.class);
            assertThat(body.get("checks").fieldNames()).toIterable().contains("database", "redis", "jobs")
                    .noneMatch(name -> name.startsWith("alert-"));
            assertThat(body.get("alerts").fieldNames()).toIterable()
                    .contains("latency-mean", "latency-p95", "error-rate", "db-pool", "heap", "webhook-failures",
                            "job-queue-age", "jobs-failing", "job-server");
        }
    }

    @Test
    @Order(2)
    void slowRequestsRaiseTheLatencyAlertsThenFastTrafficClearsThem() {
        ops.calls("/api/test/slow?ms=600", 10);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(ops.alert("latency-mean").get("active").asBoolean()).isTrue();
            assertThat(ops.alert("latency-p95").get("active").asBoolean()).isTrue();
        });
        JsonNode mean = ops.alert("latency-mean");
        assertThat(mean.get("value").asDouble()).isGreaterThan(200);
        assertThat(mean.get("threshold").asText()).isEqualTo("mean > 200 ms");
        Instant activeSince = Instant.parse(mean.get("since").asText());

        JsonNode stats = ops.json("/api/ops/stats");
        assertThat(stats.at("/requests/scope").asText()).isEqualTo("cluster");
        assertThat(stats.at("/requests/degraded").isNull()).isTrue();
        JsonNode slow = OpsStatsCalls.route(stats, "GET /api/test/slow");
        assertThat(slow).isNotNull();
        assertThat(slow.get("requests").asLong()).isEqualTo(10);
        assertThat(slow.get("meanMs").asDouble()).isGreaterThanOrEqualTo(600);
        assertThat(slow.get("p95Ms").asLong()).isBetween(500L, 750L);
        assertThat(stats.at("/requests/summary/slowestRoutes/0/route").asText()).isEqualTo("GET /api/test/slow");
        assertThat(stats.at("/requests/summary/perMinute")).hasSize(60);
        // Admin port: the alert is a failing health check there.
        try (Response admin = app.client().target("http://localhost:" + app.getAdminPort() + "/healthcheck").request().get()) {
            assertThat(admin.readEntity(JsonNode.class).at("/alert-latency-mean/healthy").asBoolean()).isFalse();
        }
        // The load balancer's route stays 200: alerts are details there.
        try (Response health = ops.get("/api/health")) {
            assertThat(health.getStatus()).isEqualTo(200);
            assertThat(health.readEntity(JsonNode.class).at("/alerts/latency-mean/healthy").asBoolean()).isFalse();
        }

        ops.sequential("/api/test/ok", 400);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            assertThat(ops.alert("latency-mean").get("active").asBoolean()).isFalse();
            assertThat(ops.alert("latency-p95").get("active").asBoolean()).isFalse();
        });
        assertThat(Instant.parse(ops.alert("latency-mean").get("since").asText())).isAfter(activeSince);
    }

    @Test
    @Order(3)
    void serverErrorsRaiseTheErrorRateAlertThenRecover() {
        ops.sequential("/api/test/fail", 60);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300))
                .untilAsserted(() -> assertThat(ops.alert("error-rate").get("active").asBoolean()).isTrue());
        JsonNode stats = ops.json("/api/ops/stats");
        assertThat(stats.at("/requests/summary/errors5xx").asLong()).isEqualTo(60);
        assertThat(OpsStatsCalls.route(stats, "GET /api/test/fail").get("errors5xx").asLong()).isEqualTo(60);
        assertThat(stats.at("/requests/summary/errorRate5xx").asDouble()).isGreaterThan(0.05);

        ops.sequential("/api/test/ok", 900);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300))
                .untilAsserted(() -> assertThat(ops.alert("error-rate").get("active").asBoolean()).isFalse());
    }

    @Test
    @Order(4)
    void routesAreCountedByTemplateAndTheClusterViewIsInRedis() {
        ops.sequential("/api/test/items/a-1", 1);
        ops.sequential("/api/test/items/b-2", 2);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode items = OpsStatsCalls.route(ops.json("/api/ops/stats?routes=100"), "GET /api/test/items/{id}");
            assertThat(items).isNotNull();
            assertThat(items.get("requests").asLong()).isEqualTo(3);
        });
        JsonNode cluster = ops.json("/api/ops/stats?routes=100");
        JsonNode instance = ops.json("/api/ops/stats?scope=instance&routes=100");
        assertThat(instance.at("/requests/scope").asText()).isEqualTo("instance");
        assertThat(OpsStatsCalls.route(instance, "GET /api/test/fail").get("requests").asLong())
                .isEqualTo(OpsStatsCalls.route(cluster, "GET /api/test/fail").get("requests").asLong());
        // The counters are in the app's own key space (ApiTestApp gives each app a prefix).
        long minute = System.currentTimeMillis() / 60_000;
        java.util.Set<String> minutes = TestRedis.keys(k -> k.equals(ApiTestApp.keys(app).requestStats(minute))
                || k.equals(ApiTestApp.keys(app).requestStats(minute - 1)));
        assertThat(minutes).isNotEmpty();
        assertThat(TestRedis.client().ttl(minutes.iterator().next())).isBetween(1L, 7200L);
        try (Response bad = ops.get("/api/ops/stats?scope=everywhere")) {
            assertThat(bad.getStatus()).isEqualTo(400);
            assertThat(ApiReply.errorIn(bad.readEntity(JsonNode.class)).code()).isEqualTo("invalid_scope");
        }
    }

    @Test
    @Order(5)
    void failingAndWaitingJobsRaiseTheirAlertsThenRecover() {
        Instant now = Instant.now();
        UUID failedA = jobrunr.job("com.koomy.email.SendEmailJob.run(java.util.UUID)", "FAILED", now, null);
        UUID failedB = jobrunr.job("com.koomy.email.SendEmailJob.run(java.util.UUID)", "FAILED", now, null);
        UUID waiting = jobrunr.job("com.koomy.webhooks.ApplyStripeEventJob.run(java.lang.String)", "ENQUEUED",
                now.minus(Duration.ofMinutes(20)), null);
        jobrunr.job("com.koomy.email.SendEmailJob.run(java.util.UUID)", "SUCCEEDED", now, 0.25);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(ops.alert("jobs-failing").get("active").asBoolean()).isTrue();
            assertThat(ops.alert("jobs-failing").get("value").asLong()).isEqualTo(2);
            assertThat(ops.alert("job-queue-age").get("active").asBoolean()).isTrue();
            assertThat(ops.alert("job-queue-age").get("value").asLong()).isGreaterThanOrEqualTo(20 * 60);
        });
        JsonNode jobs = ops.json("/api/ops/stats").get("jobs");
        assertThat(jobs.at("/summary/failed").asLong()).isEqualTo(2);
        assertThat(jobs.at("/summary/succeeded").asLong()).isEqualTo(1);
        assertThat(jobs.at("/summary/meanMs").asDouble()).isEqualTo(250.0);
        assertThat(jobs.at("/queue/byState/ENQUEUED").asLong()).isEqualTo(1);
        assertThat(jobs.at("/queue/liveServers").asLong()).isEqualTo(1);
        assertThat(jobs.at("/summary/byType")).anySatisfy(t -> {
            assertThat(t.get("job").asText()).isEqualTo("com.koomy.email.SendEmailJob.run(java.util.UUID)");
            assertThat(t.get("failed").asLong()).isEqualTo(2);
            assertThat(t.get("succeeded").asLong()).isEqualTo(1);
        });

        // The queue drains; the failures age out of the window (an operator deleted or requeued them).
        jobrunr.move(waiting, "SUCCEEDED", Instant.now(), 1.5);
        jobrunr.move(failedA, "FAILED", now.minus(Duration.ofMinutes(30)), null);
        jobrunr.move(failedB, "DELETED", Instant.now(), null);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(ops.alert("jobs-failing").get("active").asBoolean()).isFalse();
            assertThat(ops.alert("job-queue-age").get("active").asBoolean()).isFalse();
        });
    }

    @Test
    @Order(6)
    void failingWebhooksAndAMissingJobServerRaiseTheirAlertsThenRecover() {
        for (int i = 0; i < 3; i++) {
            db.jdbi().useHandle(h -> h.execute("""
                    INSERT INTO stripe_events (event_id, type, livemode, stripe_created, payload, status, attempts)
                    VALUES (?, 'invoice.paid', false, now(), '{}', 'failed', 5)""", "evt_stats_" + UUID.randomUUID()));
        }
        jobrunr.removeServer(SERVER);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(ops.alert("webhook-failures").get("active").asBoolean()).isTrue();
            assertThat(ops.alert("webhook-failures").get("value").asLong()).isEqualTo(3);
            assertThat(ops.alert("job-server").get("active").asBoolean()).isTrue();
        });
        assertThat(ops.json("/api/ops/alerts").get("active")).extracting(JsonNode::asText)
                .contains("webhook-failures", "job-server");

        db.jdbi().useHandle(h -> h.execute("UPDATE stripe_events SET status = 'processed'"));
        jobrunr.server(SERVER, Instant.now());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(ops.alert("webhook-failures").get("active").asBoolean()).isFalse();
            assertThat(ops.alert("job-server").get("active").asBoolean()).isFalse();
        });
    }
}
