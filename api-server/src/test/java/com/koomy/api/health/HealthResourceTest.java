package com.koomy.api.health;

import com.codahale.metrics.health.HealthCheck;
import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ResourceTests;
import com.koomy.config.ReadReplicaFactory;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HealthResource} alone, as {@link HealthRoutes} registers it, on the real database and Redis checks; the
 * job queue's and the read replica's checks are stand-ins whose verdict the test sets (results live 1 s).
 */
class HealthResourceTest {

    private static final AtomicReference<HealthCheck.Result> JOBS = new AtomicReference<>(HealthCheck.Result.healthy());
    private static final AtomicReference<HealthCheck.Result> REPLICA = new AtomicReference<>(HealthCheck.Result.healthy());

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(HealthResource.class, t -> {
        t.app().environment().healthChecks().register("jobs", check(JOBS));
        t.app().environment().healthChecks().register(ReadReplicaFactory.HEALTH_CHECKS.iterator().next(), check(REPLICA));
        HealthRoutes.register(t.app(), t.accounts().gate());
    });

    private static HealthCheck check(AtomicReference<HealthCheck.Result> verdict) {
        return new HealthCheck() {
            @Override
            protected Result check() {
                return verdict.get();
            }
        };
    }

    @Test
    void healthyShowsTheStatusToAnyoneAndEachCheckToOperatorsOnly() {
        ApiReply anonymous = api.anonymous().get("/api/health");
        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.body().get("status").asText()).isEqualTo("healthy");
        assertThat(anonymous.body().has("checks")).isFalse();
        assertThat(anonymous.body().has("failed")).isFalse();
        assertThat(api.as(api.account("Member")).get("/api/health").body().has("checks")).isFalse();

        for (ApiReply operator : new ApiReply[]{api.operator().get("/api/health"),
                api.as(api.operatorAccount("Operator")).get("/api/health")}) {
            JsonNode body = operator.body();
            assertThat(body.get("checks").fieldNames()).toIterable().contains("database", "redis", "jobs");
            assertThat(body.get("checks").get("database").get("healthy").asBoolean()).isTrue();
            assertThat(body.get("uptimeSeconds").isIntegralNumber()).isTrue();
            assertThat(body.get("memory").get("heapUsedBytes").asLong()).isPositive();
        }
        api.bearer("not-a-session").get("/api/health").assertError(401, "invalid_session");
    }

    @Test
    void aFailingCheckIs503NamingItAndAFailingReplicaOnlyDegrades() throws InterruptedException {
        try {
            JOBS.set(HealthCheck.Result.unhealthy("no live background job server"));
            REPLICA.set(HealthCheck.Result.unhealthy("replica 9 s behind"));
            Thread.sleep(1100); // the results of the previous second

            ApiReply unhealthy = api.anonymous().get("/api/health");
            assertThat(unhealthy.status()).isEqualTo(503);
            assertThat(unhealthy.body().get("status").asText()).isEqualTo("unhealthy");
            assertThat(unhealthy.body().get("failed")).hasSize(1);
            assertThat(unhealthy.body().get("failed").get(0).asText()).isEqualTo("jobs");
            assertThat(unhealthy.body().get("degraded").get(0).asText()).isIn(ReadReplicaFactory.HEALTH_CHECKS);
            assertThat(api.operator().get("/api/health").body().get("checks").get("jobs").get("message").asText())
                    .isEqualTo("no live background job server");
            assertThat(api.anonymous().get("/api/health/ready").status()).isEqualTo(200); // readiness is the database's

            JOBS.set(HealthCheck.Result.healthy());
            Thread.sleep(1100);
            ApiReply degraded = api.anonymous().get("/api/health");
            assertThat(degraded.status()).isEqualTo(200);
            assertThat(degraded.body().get("degraded")).hasSize(1);
        } finally {
            JOBS.set(HealthCheck.Result.healthy());
            REPLICA.set(HealthCheck.Result.healthy());
        }
    }

    @Test
    void readinessIsTheDatabasePool() {
        ApiReply ready = api.anonymous().get("/api/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body().get("status").asText()).isEqualTo("ready");
        assertThat(ready.body().has("failed")).isFalse();
    }
}
