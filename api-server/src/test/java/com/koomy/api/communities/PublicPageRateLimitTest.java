package com.koomy.api.communities;

import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Pages answered before Jersey still count against the client's address, and the 429 is Jersey's own. */
class PublicPageRateLimitTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.withRateLimits(db,
            ConfigOverride.config("rateLimits.policies.perClient.requests", "12"),
            ConfigOverride.config("rateLimits.policies.perClient.period", "1 hour"));

    @Test
    void signedOutPageReadsAreRateLimitedPerClient() throws Exception {
        ApiCalls api = new ApiCalls(() -> app.getLocalPort());
        ApiCalls.User owner = api.user("Owner Limited"); // register + login: 2 of the 12
        UUID id = api.community(owner, "Limited Club", "public", "open"); // 3
        HttpClient http = HttpClient.newHttpClient();
        int ok = 0;
        HttpResponse<String> refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + app.getLocalPort() + "/api/communities/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                ok++;
            } else {
                refused = response;
            }
        }
        assertThat(ok).isEqualTo(9);
        assertThat(refused).isNotNull();
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(new ApiReply(429, new com.fasterxml.jackson.databind.ObjectMapper().readTree(refused.body())).code())
                .isEqualTo("rate_limited");
    }
}
