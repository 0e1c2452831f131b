package com.koomy.api.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ResourceTests;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link OpsStatsResource} alone, as {@link OpsRoutes} registers it: its parameters, access and the body's shape. */
class OpsStatsResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(OpsStatsResource.class, t -> OpsRoutes.register(t.app()));

    @Test
    void isForOperatorsOnly() {
        api.anonymous().get("/api/ops/stats").assertError(401, "unauthorized");
        api.as(api.account("Member")).get("/api/ops/stats").assertError(403, "forbidden");
        assertThat(api.as(api.operatorAccount("Operator")).get("/api/ops/stats").status()).isEqualTo(200);
    }

    @Test
    void answersTheClusterViewOfTheLastHourByDefaultAndTheInstanceOnAsking() {
        ApiReply cluster = api.operator().get("/api/ops/stats");
        assertThat(cluster.status()).isEqualTo(200);
        JsonNode body = cluster.body();
        assertThat(body.get("minutes").asInt()).isEqualTo(60);
        assertThat(Instant.parse(body.get("generatedAt").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(body.get("requests").get("scope").asText()).isEqualTo("cluster");
        assertThat(body.get("jobs").isObject()).isTrue();
        assertThat(body.get("pools").isObject()).isTrue();

        JsonNode instance = api.operator().get("/api/ops/stats?scope=instance&minutes=5&routes=3").body();
        assertThat(instance.get("minutes").asInt()).isEqualTo(5);
        assertThat(instance.get("requests").get("scope").asText()).isEqualTo("instance");
    }

    @Test
    void refusesABadScopeOrWindowNamingIt() {
        assertFields(api.operator().get("/api/ops/stats?scope=planet"), "invalid_scope", "scope");
        assertFields(api.operator().get("/api/ops/stats?minutes=0"), "invalid_window", "minutes");
        assertFields(api.operator().get("/api/ops/stats?minutes=121"), "invalid_window", "minutes");
        assertFields(api.operator().get("/api/ops/stats?routes=101"), "invalid_window", "routes");
    }
}
