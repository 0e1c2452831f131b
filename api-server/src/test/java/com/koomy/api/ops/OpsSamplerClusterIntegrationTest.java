package com.koomy.api.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.api.stats.OpsSampler;
import com.koomy.config.RedisKeys;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestRedis;
import io.dropwizard.lifecycle.JettyManaged;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.params.SetParams;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One sampler for the cluster (issue 23): two API instances on one database and one Redis key prefix. Only
 * the lease holder queries the counts, both report the same figures (with who sampled them); when the holder
 * stops, or vanishes without giving the lease up, the other takes over within a few periods. Periods of 500 ms.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpsSamplerClusterIntegrationTest {

    static final String TOKEN = "ops-token-for-sampler-tests-01";
    /** The instance still sampling after {@link #whenTheHolderStopsTheOtherTakesOverWithinAFewPeriods}. */
    private static OpsSampler survivor;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = TestRedis.newPrefix();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> one = ApiTestApp.instanceOf(PREFIX, db,
            ConfigOverride.config("opsToken", TOKEN), ConfigOverride.config("alerts.evaluateEvery", "500ms"));

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> two = ApiTestApp.instanceOf(PREFIX, db,
            ConfigOverride.config("opsToken", TOKEN), ConfigOverride.config("alerts.evaluateEvery", "500ms"));

    @BeforeAll
    static void openRows() {
        seed(db);
    }

    /** Two received and one failed Stripe event, three queued emails, among terminal rows the counts leave out. */
    static void seed(TestDatabase db) {
        db.jdbi().useHandle(h -> {
            h.execute("""
                    INSERT INTO stripe_events (event_id, type, livemode, stripe_created, payload, received_at, status)
                    SELECT 'evt_' || i, 'invoice.paid', false, now(), '{}', now(),
                           CASE WHEN i <= 2 THEN 'received' WHEN i = 3 THEN 'failed' ELSE 'processed' END
                      FROM generate_series(1, 50) i""");
            h.execute("""
                    INSERT INTO emails (id, idempotency_key, template, locale, recipients, status, subject)
                    SELECT gen_random_uuid(), 'k' || i, 'welcome', 'fr', '[]', CASE WHEN i <= 3 THEN 'queued' ELSE 'sent' END, 'Hello'
                      FROM generate_series(1, 40) i""");
        });
    }

    static JsonNode stats(DropwizardAppExtension<ApiConfiguration> app) {
        try (Response response = app.client().target("http://localhost:" + app.getLocalPort() + "/api/ops/stats").request()
                .header("Authorization", "Bearer " + TOKEN).get()) {
            assertThat(response.getStatus()).isEqualTo(200);
            return response.readEntity(JsonNode.class);
        }
    }

    static OpsSampler sampler(DropwizardAppExtension<ApiConfiguration> app) {
        return app.getEnvironment().lifecycle().getManagedObjects().stream()
                .filter(o -> o instanceof JettyManaged m && m.getManaged() instanceof OpsSampler)
                .map(o -> (OpsSampler) ((JettyManaged) o).getManaged()).findFirst().orElseThrow();
    }

    /** How many times each instance queried the database over three seconds (six periods). */
    static List<Long> samplesOverThreeSeconds(OpsSampler a, OpsSampler b) throws InterruptedException {
        long a0 = a.samplesRun();
        long b0 = b.samplesRun();
        Thread.sleep(3_000);
        return List.of(a.samplesRun() - a0, b.samplesRun() - b0);
    }

    static void assertOpenCounts(JsonNode stats) {
        assertThat(JSON.convertValue(stats.at("/webhooks/stripeByStatus"), Map.class)).isEqualTo(Map.of("received", 2, "failed", 1));
        assertThat(JSON.convertValue(stats.at("/emails/byStatus"), Map.class)).isEqualTo(Map.of("queued", 3));
        assertThat(stats.at("/estimated/method").asText()).startsWith("estimate");
    }

    @Test
    @Order(1)
    void oneInstanceQueriesAndBothReportItsCounts() throws InterruptedException {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode a = stats(one);
            JsonNode b = stats(two);
            assertOpenCounts(a);
            assertOpenCounts(b);
            assertThat(a.get("countsSampledBy").asText()).isEqualTo(b.get("countsSampledBy").asText());
        });
        OpsSampler a = sampler(one);
        OpsSampler b = sampler(two);
        List<Long> samples = samplesOverThreeSeconds(a, b);
        assertThat(samples).as("samples over three seconds of (one, two)").containsAnyOf(0L).anySatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(3));
        OpsSampler holder = samples.get(0) > 0 ? a : b;
        OpsSampler other = holder == a ? b : a;
        assertThat(holder.source()).isEqualTo("sampled here: lease holder");
        assertThat(other.source()).isEqualTo("shared by " + holder.last().sampledBy());
        assertThat(TestRedis.client().get(new RedisKeys(PREFIX).opsSamplerLease())).isEqualTo(holder.last().sampledBy());

        // Health probes read the snapshot: the other instance's jobs check reports the holder's sample.
        DropwizardAppExtension<ApiConfiguration> otherApp = other == a ? one : two;
        try (Response health = otherApp.client().target("http://localhost:" + otherApp.getLocalPort() + "/api/health").request()
                .header("Authorization", "Bearer " + TOKEN).get()) {
            JsonNode jobs = health.readEntity(JsonNode.class).at("/checks/jobs");
            assertThat(jobs.get("message").asText()).contains("no background job server has ever started");
            assertThat(jobs.get("sampledBy").asText()).isEqualTo(holder.last().sampledBy());
        }
    }

    @Test
    @Order(2)
    void whenTheHolderStopsTheOtherTakesOverWithinAFewPeriods() throws Exception {
        OpsSampler a = sampler(one);
        OpsSampler b = sampler(two);
        OpsSampler holder = a.source().equals("sampled here: lease holder") ? a : b;
        OpsSampler other = holder == a ? b : a;
        String holderName = holder.last().sampledBy();
        holder.stop(); // as at a pod's shutdown: the lease is given up
        survivor = other;

        await().atMost(Duration.ofMillis(3 * 500 + 2_000)).untilAsserted(() -> {
            assertThat(other.source()).isEqualTo("sampled here: lease holder");
            assertThat(other.last().sampledBy()).isNotEqualTo(holderName);
        });
        long before = other.samplesRun();
        await().atMost(Duration.ofSeconds(5)).until(() -> other.samplesRun() >= before + 3);
        DropwizardAppExtension<ApiConfiguration> otherApp = other == a ? one : two;
        assertOpenCounts(stats(otherApp));
        assertThat(stats(otherApp).get("countsSampledBy").asText()).isEqualTo(other.last().sampledBy());
    }

    /** A holder that vanishes without giving the lease up (a killed pod): its lease and snapshot expire, then another takes over. */
    @Test
    @Order(3)
    void aVanishedHoldersLeaseExpiresAndTheOtherTakesOver() {
        assertThat(survivor).as("the previous test's survivor").isNotNull();
        String name = survivor.last().sampledBy();
        RedisKeys keys = new RedisKeys(PREFIX);
        // A ghost takes the lease for three periods and never renews it (written over the survivor's, as if it had won the race).
        TestRedis.client().set(keys.opsSamplerLease(), "ghost-pod", SetParams.setParams().px(1_500));

        await().atMost(Duration.ofMillis(1_400)).until(() -> survivor.source().startsWith("shared by"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(survivor.source()).isEqualTo("sampled here: lease holder");
            assertThat(TestRedis.client().get(keys.opsSamplerLease())).isEqualTo(name);
        });
    }
}
