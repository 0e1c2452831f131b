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

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitIntegrationTest {

    /** A client that never retries: Dropwizard's test client would wait out 429/503 Retry-After itself. */
    private static final jakarta.ws.rs.client.Client CLIENT = jakarta.ws.rs.client.ClientBuilder.newClient();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.withRateLimits(db,
            ConfigOverride.config("rateLimits.policies.login.requests", "4"),
            ConfigOverride.config("rateLimits.policies.login.period", "1 hour"),
            ConfigOverride.config("rateLimits.policies.login.failClosed", "true"));

    private Response login(String email) {
        return CLIENT.target("http://localhost:" + app.getLocalPort() + "/api/auth/login").request()
                .post(Entity.json("{\"email\":\"" + email + "\",\"password\":\"wrong password\"}"));
    }

    @Test
    void signInAttemptsAreLimitedPerEmailThenPerAddress() {
        String target = "victim-" + UUID.randomUUID() + "@example.org";
        int[] statuses = new int[6];
        for (int i = 0; i < statuses.length; i++) {
            try (Response r = login(i < 5 ? target : "other-" + i + "@example.org")) {
                statuses[i] = r.getStatus();
                if (r.getStatus() == 429) {
                    assertThat(Integer.parseInt(r.getHeaderString("Retry-After"))).isBetween(1, 3600);
                    assertThat(r.readEntity(String.class)).contains("\"code\":\"rate_limited\"");
                }
            }
        }
        // loginEmail (5 a minute by default) would allow 5 for the target; the per-address login policy (4 an hour) stops the 5th.
        assertThat(statuses).containsExactly(401, 401, 401, 401, 429, 429);
    }
}
