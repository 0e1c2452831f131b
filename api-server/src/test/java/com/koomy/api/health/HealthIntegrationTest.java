package com.koomy.api.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health with no worker ever started on this database and Redis pointed at a closed port: 503,
 * naming both failures, with the passing database check alongside. (The healthy 200 case needs a
 * live job server: the worker's end-to-end test checks it.)
 */
class HealthIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static final String OPS_TOKEN = "ops-token-health-" + java.util.UUID.randomUUID();

    // Registered after the database, so it starts once the database exists.
    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("opsToken", OPS_TOKEN),
            ConfigOverride.config("redis.port", "1"),
            ConfigOverride.config("redis.connectTimeout", "200ms"));

    @Test
    void namesEveryFailedCheckWith503AndKeepsTheDetailsForOperators() {
        Response anonymous = app.client().target("http://localhost:" + app.getLocalPort() + "/api/health").request().get();
        assertThat(anonymous.getStatus()).isEqualTo(503);
        JsonNode verdict = anonymous.readEntity(JsonNode.class);
        assertThat(verdict.get("failed")).extracting(JsonNode::asText).containsExactlyInAnyOrder("jobs", "redis");
        assertThat(verdict.has("checks")).as("check details to a signed-out caller").isFalse();
        assertThat(verdict.has("memory")).isFalse();
        assertThat(verdict.has("alerts")).isFalse();

        Response response = app.client().target("http://localhost:" + app.getLocalPort() + "/api/health").request()
                .header("Authorization", "Bearer " + OPS_TOKEN).get();

        assertThat(response.getStatus()).isEqualTo(503);
        JsonNode body = response.readEntity(JsonNode.class);
        assertThat(body.get("status").asText()).isEqualTo("unhealthy");
        assertThat(body.get("failed")).extracting(JsonNode::asText).containsExactlyInAnyOrder("jobs", "redis");
        assertThat(body.at("/checks/database/healthy").asBoolean()).isTrue();
        assertThat(body.at("/checks/jobs/message").asText()).contains("no background job server");
        assertThat(body.get("uptimeSeconds").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(body.at("/memory/heapUsedBytes").asLong()).isPositive();
    }

    @Test
    void theAdminPortRunsTheSameChecks() {
        Response response = app.client().target("http://localhost:" + app.getAdminPort() + "/healthcheck").request().get();

        assertThat(response.getStatus()).isEqualTo(500);
        JsonNode body = response.readEntity(JsonNode.class);
        assertThat(body.fieldNames()).toIterable().contains("database", "redis", "jobs");
        assertThat(body.at("/redis/healthy").asBoolean()).isFalse();
    }

    /**
     * Readiness is this instance's own work (its database pool): with Redis down and no worker it stays ready,
     * so a Redis blip or a worker rollout never takes every API out of the load balancer (issue 22).
     */
    @Test
    void staysReadyWithRedisAndTheWorkersDown() {
        Response ready = app.client().target("http://localhost:" + app.getLocalPort() + "/api/health/ready").request().get();
        assertThat(ready.getStatus()).isEqualTo(200);
        assertThat(ready.readEntity(JsonNode.class).get("status").asText()).isEqualTo("ready");

        // The admin port's /ready, open like /ping (probes carry no credentials).
        Response admin = app.client().target("http://localhost:" + app.getAdminPort() + "/ready").request().get();
        assertThat(admin.getStatus()).isEqualTo(200);
        assertThat(admin.readEntity(JsonNode.class).get("status").asText()).isEqualTo("ready");
    }
}
