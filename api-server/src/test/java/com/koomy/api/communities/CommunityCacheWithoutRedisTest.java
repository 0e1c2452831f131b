package com.koomy.api.communities;

import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis unreachable: community pages still come, from PostgreSQL (R3: an outage makes reads slower, never failing). */
class CommunityCacheWithoutRedisTest {

    /** A client that never retries: Dropwizard's test client would wait out a 503's Retry-After itself. */
    private static final Client CLIENT = ClientBuilder.newClient();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("redis.port", "1"), ConfigOverride.config("redis.connectTimeout", "200ms"),
            // The Redis layer is under test: no copy kept in the API's memory in front of it (PublicPages).
            ConfigOverride.config("cache.publicPageLocalTtl", "0s"));

    @AfterAll
    static void close() {
        CLIENT.close();
    }

    @Test
    void aPublicPageIsServedFromTheDatabase() {
        UUID id = UUID.randomUUID();
        db.jdbi().useHandle(h -> h.execute("INSERT INTO communities (id, name, slug, description, visibility, "
                + "join_policy, locale) VALUES (?, 'Offline Choir', 'offline-choir', '', 'public', 'open', 'fr')", id));

        for (int i = 0; i < 3; i++) {
            try (Response r = CLIENT.target("http://localhost:" + app.getLocalPort() + "/api/communities/" + id)
                    .request().get()) {
                assertThat(r.getStatus()).isEqualTo(200);
                assertThat(r.readEntity(String.class)).contains("Offline Choir");
                assertThat(r.getHeaderString("ETag")).isNotNull();
            }
        }
        assertThat(app.getEnvironment().metrics().meter("koomy.cache.communities.misses").getCount()).isEqualTo(3);
        assertThat(app.getEnvironment().metrics().meter("koomy.cache.communities.errors").getCount()).isPositive();
        assertThat(app.getEnvironment().metrics().meter("koomy.cache.communities-local.hits").getCount()).isZero();
    }
}
