package com.koomy.api.accounts;

import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** With Redis unreachable, a request carrying a session token gets 503, never an anonymous pass. */
class SessionUnavailableTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("redis.port", "1"), ConfigOverride.config("redis.connectTimeout", "200ms"));

    @Test
    void authenticatedRequestsFailClosed() {
        // A plain client: Dropwizard's test client would retry the 503 by itself.
        try (Response r = jakarta.ws.rs.client.ClientBuilder.newClient().target("http://localhost:" + app.getLocalPort() + "/api/me").request()
                .header("Authorization", "Bearer some-session-token").get()) {
            assertThat(r.getStatus()).isEqualTo(503);
            assertThat(r.readEntity(String.class)).contains("\"code\":\"sessions_unavailable\"");
        }
    }
}
