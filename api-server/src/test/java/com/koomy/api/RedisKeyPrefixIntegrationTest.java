package com.koomy.api;

import com.koomy.api.ApiCalls.User;
import com.koomy.config.RedisFactory;
import com.koomy.config.RedisKeys;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestRedis;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two API stacks on one Redis (issues 18 and 22): each keeps every key under its own prefix
 * ({@code redis.keyPrefix}), so neither sees the other's cached plans or sessions, and a stale entry
 * left by a developer's stack under the default prefix is never read.
 * <p>
 * Both apps use a Redis database next to the tests' own (the configured one + 8): the check that
 * nothing is written outside the prefixes compares every key of that database before and after the
 * journeys, and the other tests and stacks running meanwhile write to the configured database.
 */
class RedisKeyPrefixIntegrationTest {

    private static final int DATABASE = (TestRedis.factory().getDatabase() + 8) % 16;
    private static final UnifiedJedis REDIS = client();
    /** What a developer's `ops/koomy up` leaves behind: the old fixed key and the key under the default prefix. */
    private static final List<String> STALE_KEYS = List.of("koomy:cache:plans:all:v1",
            new RedisKeys("koomy:").cacheEntry("plans", "all") + ":v1");

    @RegisterExtension
    @Order(1)
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static DropwizardAppExtension<ApiConfiguration> first = ApiTestApp.withRateLimits(db,
            ConfigOverride.config("redis.database", String.valueOf(DATABASE)),
            ConfigOverride.config("stats.flushEvery", "200ms"));

    /** The same API, but its association plan costs 25.00 (its plans list must not be the first's). */
    @RegisterExtension
    @Order(3)
    static DropwizardAppExtension<ApiConfiguration> second = ApiTestApp.withRateLimits(db,
            ConfigOverride.config("redis.database", String.valueOf(DATABASE)),
            ConfigOverride.config("stats.flushEvery", "200ms"),
            ConfigOverride.config("payments.plans[1].amount", "2500"));

    private final ApiCalls firstApi = new ApiCalls(() -> first.getLocalPort());
    private final ApiCalls secondApi = new ApiCalls(() -> second.getLocalPort());

    private static UnifiedJedis client() {
        RedisFactory factory = TestRedis.factory();
        factory.setDatabase(DATABASE);
        return factory.build("koomy-prefix-test");
    }

    @AfterAll
    static void close() {
        REDIS.del(STALE_KEYS.toArray(String[]::new)); // code without prefixes would read them: leave none behind
        // The apps' own keys are in this database, not where ApiTestApp cleans up after them.
        for (String prefix : List.of(ApiTestApp.keys(first).prefix(), ApiTestApp.keys(second).prefix())) {
            String[] own = allKeys().stream().filter(k -> k.startsWith(prefix)).toArray(String[]::new);
            if (own.length > 0) {
                REDIS.del(own);
            }
        }
        REDIS.close();
    }

    private static long associationAmount(ApiCalls api) {
        return api.get("/api/plans", null).body().get("items").get(1).get("amount").asLong();
    }

    @Test
    void eachStackReadsOnlyItsOwnCachedPlansAndNeverTheDefaultPrefixs() {
        String stale = "0:{\"items\":[{\"id\":\"free\",\"amount\":0},{\"id\":\"association\",\"amount\":1}]}";
        STALE_KEYS.forEach(key -> REDIS.setex(key, 120, stale));

        assertThat(associationAmount(firstApi)).isEqualTo(1900);
        assertThat(associationAmount(secondApi)).isEqualTo(2500);
        assertThat(associationAmount(firstApi)).isEqualTo(1900);
        assertThat(REDIS.get(ApiTestApp.keys(first).cacheEntry("plans", "all") + ":v1")).contains("1900");
        assertThat(REDIS.get(ApiTestApp.keys(second).cacheEntry("plans", "all") + ":v1")).contains("2500");
    }

    @Test
    void aSessionOfOneStackIsUnknownToTheOther() {
        User kim = firstApi.user("Kim Prefix");
        assertThat(firstApi.get("/api/me", kim.token()).status()).isEqualTo(200);
        assertThat(secondApi.get("/api/me", kim.token()).status()).isEqualTo(401);
        assertThat(REDIS.exists(ApiTestApp.keys(first).accountSessions(kim.id()))).isTrue();
        assertThat(REDIS.exists(ApiTestApp.keys(second).accountSessions(kim.id()))).isFalse();
    }

    /** Sign-up, sign-in, a community page cached and invalidated, plans, limits, statistics, sign-out. */
    @Test
    void everyKeyTheAppsWriteIsUnderTheirPrefix() {
        Set<String> before = allKeys();
        RedisKeys firstKeys = ApiTestApp.keys(first);
        RedisKeys secondKeys = ApiTestApp.keys(second);
        for (ApiCalls api : List.of(firstApi, secondApi)) {
            User owner = api.user("Owner " + UUID.randomUUID());
            UUID community = api.community(owner, "Prefixed Choir", "public", "open");
            assertThat(api.get("/api/communities/" + community, null).status()).isEqualTo(200);
            assertThat(api.call("PATCH", "/api/communities/" + community, owner.token(),
                    Map.of("description", "Tuesdays")).status()).isEqualTo(200);
            assertThat(api.get("/api/communities/" + community, null).status()).isEqualTo(200);
            assertThat(api.get("/api/plans", null).status()).isEqualTo(200);
            String second = api.call("POST", "/api/auth/login", null,
                    Map.of("email", owner.email(), "password", "correct horse battery")).body().get("token").asText();
            assertThat(api.call("POST", "/api/auth/logout", second, null).status()).isEqualTo(204);
        }
        // The request counters reach Redis within a flush (200 ms here).
        await().atMost(Duration.ofSeconds(5)).until(() -> allKeys().stream().anyMatch(k -> k.startsWith(firstKeys.prefix() + "stats:")));

        Set<String> written = new HashSet<>(allKeys());
        written.removeAll(before);
        assertThat(written).isNotEmpty()
                .allSatisfy(k -> assertThat(k).satisfiesAnyOf(
                        key -> assertThat(key).startsWith(firstKeys.prefix()),
                        key -> assertThat(key).startsWith(secondKeys.prefix())));
        // ...and the journeys did reach every family: sessions, their account sets, caches, limits, statistics
        // (a minute's statistics may have been there before: the earlier tests of this class count too).
        assertThat(allKeys().stream().filter(k -> k.startsWith(firstKeys.prefix()))
                .map(k -> k.substring(firstKeys.prefix().length()).replaceAll("[:{].*", "")))
                .contains("session", "account-sessions", "cache", "rl", "stats");
    }

    private static Set<String> allKeys() {
        Set<String> keys = new HashSet<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = REDIS.scan(cursor, new ScanParams().count(1000));
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }
}
