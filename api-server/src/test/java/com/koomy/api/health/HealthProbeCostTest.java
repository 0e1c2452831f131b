package com.koomy.api.health;

import com.codahale.metrics.health.HealthCheck;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.api.KoomyApiApplication;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/health} costs the abuser, not the instance (issue 17): a burst of probes runs the checks at
 * most once a second (a counting check is registered beside the real ones), and the route is rate limited per
 * client address (policy {@code health}, lowered here to 30 a minute).
 */
class HealthProbeCostTest {

    static final AtomicInteger RUNS = new AtomicInteger();

    /** The API with one more health check that counts how often the checks run. */
    public static class CountingChecksApp extends KoomyApiApplication {
        @Override
        protected void addRoutes(ApiConfiguration config, Environment environment, Jdbi jdbi) {
            environment.healthChecks().register("counting", new HealthCheck() {
                @Override
                protected Result check() {
                    RUNS.incrementAndGet();
                    return Result.healthy();
                }
            });
        }
    }

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.withRateLimits(CountingChecksApp.class, db,
            ConfigOverride.config("rateLimits.policies.health.requests", "30"));

    @Test
    void aBurstOfProbesRunsTheChecksAtMostOnceASecondAndIsThenRateLimited() {
        ApiCalls api = new ApiCalls(() -> app.getLocalPort());
        int before = RUNS.get();
        long start = System.nanoTime();
        for (int i = 0; i < 25; i++) {
            assertThat(api.get("/api/health", null).status()).isIn(200, 503);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(RUNS.get() - before).as("check runs for 25 probes in %.2f s", seconds)
                .isBetween(1, (int) Math.ceil(seconds) + 1);

        ApiReply refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
            ApiReply reply = api.get("/api/health", null);
            if (reply.status() == 429) {
                refused = reply;
            }
        }
        assertThat(refused).as("a 429 within 35 probes a minute, the limit being 30").isNotNull();
        assertThat(refused.code()).isEqualTo("rate_limited");
    }
}
