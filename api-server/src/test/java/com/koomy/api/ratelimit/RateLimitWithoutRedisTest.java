package com.koomy.api.ratelimit;

import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


import static org.assertj.core.api.Assertions.assertThat;

/** Redis unreachable: sign-in fails closed (503); other routes keep working on per-process limits. */
class RateLimitWithoutRedisTest {

    /** A client that never retries: Dropwizard's test client would wait out 429/503 Retry-After itself. */
    private static final jakarta.ws.rs.client.Client CLIENT = jakarta.ws.rs.client.ClientBuilder.newClient();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.withRateLimits(db,
            ConfigOverride.config("redis.port", "1"), ConfigOverride.config("redis.connectTimeout", "200ms"),
            ConfigOverride.config("rateLimits.policies.perClient.requests", "3"),
            ConfigOverride.config("rateLimits.policies.perClient.period", "1 hour"));

    private String url(String path) {
        return "http://localhost:" + app.getLocalPort() + path;
    }

    @Test
    void signInFailsClosedAndOtherRoutesFallBackToLocalLimits() {
        try (Response r = CLIENT.target(url("/api/auth/login")).request()
                .post(Entity.json("{\"email\":\"a@example.org\",\"password\":\"whatever pw\"}"))) {
            assertThat(r.getStatus()).isEqualTo(503);
            assertThat(r.getHeaderString("Retry-After")).isNotNull();
        }
        // perClient is not fail-closed: the 3 an hour now counted in this process (the login above used one).
        int[] statuses = new int[3];
        for (int i = 0; i < statuses.length; i++) {
            try (Response r = CLIENT.target(url("/api/openapi.json")).request().get()) {
                statuses[i] = r.getStatus();
            }
        }
        assertThat(statuses).containsExactly(200, 200, 429);
    }
}
