package com.koomy.api.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.api.stats.OpsSampler;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestRedis;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis down (issue 23): no lease to take and no snapshot to read, so each API instance samples the
 * database itself; both report the same counts, each under its own name, and health keeps its data.
 */
class OpsSamplerWithoutRedisIntegrationTest {

    private static final String PREFIX = TestRedis.newPrefix();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> one = ApiTestApp.instanceOf(PREFIX, db,
            ConfigOverride.config("opsToken", OpsSamplerClusterIntegrationTest.TOKEN), ConfigOverride.config("alerts.evaluateEvery", "500ms"),
            ConfigOverride.config("redis.port", "1"), ConfigOverride.config("redis.connectTimeout", "200ms"));

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> two = ApiTestApp.instanceOf(PREFIX, db,
            ConfigOverride.config("opsToken", OpsSamplerClusterIntegrationTest.TOKEN), ConfigOverride.config("alerts.evaluateEvery", "500ms"),
            ConfigOverride.config("redis.port", "1"), ConfigOverride.config("redis.connectTimeout", "200ms"));

    @BeforeAll
    static void openRows() {
        OpsSamplerClusterIntegrationTest.seed(db);
    }

    @Test
    void eachInstanceSamplesItselfAndBothReportTheSameCounts() throws InterruptedException {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode a = OpsSamplerClusterIntegrationTest.stats(one);
            JsonNode b = OpsSamplerClusterIntegrationTest.stats(two);
            OpsSamplerClusterIntegrationTest.assertOpenCounts(a);
            OpsSamplerClusterIntegrationTest.assertOpenCounts(b);
            assertThat(a.get("countsSource").asText()).startsWith("sampled here: Redis unavailable");
            assertThat(b.get("countsSource").asText()).startsWith("sampled here: Redis unavailable");
            assertThat(a.get("countsSampledBy").asText()).isNotEqualTo(b.get("countsSampledBy").asText());
        });
        OpsSampler a = OpsSamplerClusterIntegrationTest.sampler(one);
        OpsSampler b = OpsSamplerClusterIntegrationTest.sampler(two);
        List<Long> samples = OpsSamplerClusterIntegrationTest.samplesOverThreeSeconds(a, b);
        assertThat(samples).as("samples over three seconds of (one, two)").allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(2));

        // Health keeps its data: the jobs check reads this instance's own snapshot (no worker ever started here).
        try (Response health = one.client().target("http://localhost:" + one.getLocalPort() + "/api/health").request()
                .header("Authorization", "Bearer " + OpsSamplerClusterIntegrationTest.TOKEN).get()) {
            JsonNode body = health.readEntity(JsonNode.class);
            assertThat(body.at("/checks/jobs/message").asText()).contains("no background job server has ever started");
            assertThat(body.at("/checks/database/healthy").asBoolean()).isTrue();
        }
    }
}
