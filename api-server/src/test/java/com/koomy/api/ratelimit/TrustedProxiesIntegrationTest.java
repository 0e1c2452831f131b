package com.koomy.api.ratelimit;

import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * KOOMY_TRUSTED_PROXIES=1, as behind ops/koomy scale's HAProxy: the client sends X-Forwarded-For lines of
 * its choosing, the balancer appends one more. Varying the spoofed entries never buys a fresh budget,
 * neither in Jersey's RateLimitFilter nor in the fast paths' gate before Jersey.
 */
class TrustedProxiesIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.withRateLimits(db,
            ConfigOverride.config("trustedProxies", "1"),
            ConfigOverride.config("rateLimits.policies.login.requests", "3"),
            ConfigOverride.config("rateLimits.policies.login.period", "1 hour"),
            ConfigOverride.config("rateLimits.policies.perClient.requests", "6"),
            ConfigOverride.config("rateLimits.policies.perClient.period", "1 hour"));

    private final ApiCalls api = new ApiCalls(app::getLocalPort);

    private int login(String... headers) {
        byte[] body = ("{\"email\":\"someone-" + UUID.randomUUID() + "@example.org\",\"password\":\"wrong password\"}")
                .getBytes(StandardCharsets.UTF_8);
        return api.send("POST", "/api/auth/login", null, "application/json", body, headers).status();
    }

    @Test
    void spoofedEntriesAndLinesDoNotResetTheLoginLimitTheBalancersEntryCounts() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // Line 1 and the left part of line 2 are the client's inventions; "198.51.100.7" is what the balancer saw.
            statuses.add(login("X-Forwarded-For", "10.9.0." + i, "X-Forwarded-For", "10.8.0." + i + ", 198.51.100.7"));
        }
        assertThat(statuses).containsExactly(401, 401, 401, 429, 429);
        // Another client behind the same balancer has its own budget.
        assertThat(login("X-Forwarded-For", "198.51.100.8")).isEqualTo(401);
    }

    @Test
    void theFiltersBeforeJerseyUseTheSameRule() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            // No such page: the fast path's gate counts perClient once, as Jersey would (6 an hour: 6 requests).
            statuses.add(api.send("GET", "/api/communities/" + UUID.randomUUID(), null, null, null,
                    "X-Forwarded-For", "10.7.0." + i, "X-Forwarded-For", "198.51.100.20").status());
        }
        assertThat(statuses).containsExactly(404, 404, 404, 404, 404, 404, 429, 429);
    }
}
