package com.koomy.api;

import com.koomy.testing.SharedRedisCluster;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API on a real three-primary Redis Cluster ({@code redis.mode: cluster}): sessions, the public-page cache
 * and its invalidation, and the rate limits (bucket4j's buckets) work, with keys spread over the primaries.
 */
@EnabledIf("com.koomy.testing.RedisServers#available")
class RedisClusterIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.withRateLimits(db,
            ConfigOverride.config("redis.mode", "cluster"),
            ConfigOverride.config("redis.nodes", SharedRedisCluster::nodes),
            ConfigOverride.config("rateLimits.policies.login.requests", "4"),
            ConfigOverride.config("rateLimits.policies.login.period", "1 hour"));

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort());

    @Test
    void sessionsCachesAndLimitsWorkOnACluster() {
        ApiCalls.User owner = api.user("Cluster Owner");
        assertThat(api.get("/api/me", owner.token()).status()).isEqualTo(200);

        UUID id = api.community(owner, "Voile en cluster", "public", "open");
        assertThat(api.get("/api/communities/" + id, null).body().get("name").asText()).isEqualTo("Voile en cluster");
        assertThat(api.call("PATCH", "/api/communities/" + id, owner.token(), Map.of("name", "Voile renommée")).status())
                .isEqualTo(200);
        assertThat(api.get("/api/communities/" + id, null).body().get("name").asText()).isEqualTo("Voile renommée");

        assertThat(api.call("POST", "/api/auth/logout", owner.token(), null).status()).isBetween(200, 204);
        assertThat(api.get("/api/me", owner.token()).status()).isEqualTo(401);

        // The per-address login policy allows 4 an hour (the sign-in above may count too): the 5th is refused.
        int[] statuses = new int[5];
        for (int i = 0; i < statuses.length; i++) {
            statuses[i] = api.call("POST", "/api/auth/login", null,
                    Map.of("email", owner.email(), "password", "wrong password")).status();
        }
        assertThat(statuses).contains(429).containsOnly(401, 429);

        String prefix = ApiTestApp.keys(app).prefix();
        Set<String> keys = SharedRedisCluster.keys(k -> k.startsWith(prefix));
        Set<Integer> nodes = keys.stream().map(RedisClusterIntegrationTest::primaryOf).collect(Collectors.toSet());
        assertThat(keys).isNotEmpty();
        assertThat(nodes).as("primaries holding this app's keys %s", keys).hasSizeGreaterThan(1);
    }

    /** Which third of the slots a key is in: {@code redis-cli --cluster create} gives each primary one third. */
    private static int primaryOf(String key) {
        return JedisClusterCRC16.getSlot(key) * 3 / 16384;
    }
}
