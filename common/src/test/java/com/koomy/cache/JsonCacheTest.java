package com.koomy.cache;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.config.RedisKeys;
import com.koomy.testing.RedisTarget;
import com.koomy.testing.TestRedis;
import io.dropwizard.jackson.Jackson;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class JsonCacheTest {

    /** The Redis these tests run on; {@code JsonCacheOnClusterTest} runs them on a three-primary Redis Cluster. */
    RedisTarget target() {
        return RedisTarget.SINGLE;
    }

    UnifiedJedis redis() {
        return target().client();
    }
    private static final ObjectMapper JSON = Jackson.newObjectMapper();

    record Card(String name, Instant at) {
    }

    private final MetricRegistry metrics = new MetricRegistry();
    private final RedisKeys keys = TestRedis.newKeys();

    private JsonCache<Card> cache(UnifiedJedis redis, int schema) {
        return cache(redis, keys, schema);
    }

    private JsonCache<Card> cache(UnifiedJedis redis, RedisKeys keys, int schema) {
        return new JsonCache<>("test", schema, Duration.ofMinutes(1), JSON.constructType(Card.class), redis, keys, JSON,
                metrics, Clock.systemUTC());
    }

    private long count(String meter) {
        return metrics.meter("koomy.cache.test." + meter).getCount();
    }

    @Test
    void missesOnceThenHitsUntilInvalidated() {
        JsonCache<Card> cache = cache(redis(), 1);
        String id = UUID.randomUUID().toString();
        AtomicInteger loads = new AtomicInteger();
        Card first = new Card("first", Instant.parse("2026-11-24T03:00:00Z"));

        assertThat(cache.get(id, () -> { loads.incrementAndGet(); return first; })).isEqualTo(first);
        assertThat(cache.get(id, () -> { loads.incrementAndGet(); return first; })).isEqualTo(first);
        assertThat(loads).hasValue(1);
        assertThat(count("hits")).isEqualTo(1);
        assertThat(count("misses")).isEqualTo(1);
        assertThat(redis().get(cache.valueKey(id))).startsWith("0:{");
        assertThat(redis().ttl(cache.valueKey(id))).isBetween(1L, 60L);
        assertThat(metrics.getGauges()).containsKey("koomy.cache.test.hit-ratio");

        cache.invalidate(id);
        Card second = new Card("second", first.at());
        assertThat(cache.get(id, () -> second)).isEqualTo(second);
        assertThat(cache.get(id, () -> first)).isEqualTo(second);
        assertThat(count("misses")).isEqualTo(2);
    }

    /** The race a plain DEL loses: a reader loads the old row, the write commits and invalidates, the reader stores. */
    @Test
    void aValueLoadedBeforeAnInvalidationIsNeverServedAfterIt() {
        JsonCache<Card> cache = cache(redis(), 1);
        String id = UUID.randomUUID().toString();
        Card old = new Card("old", Instant.EPOCH);
        Card fresh = new Card("fresh", Instant.EPOCH);

        Card served = cache.get(id, () -> {
            cache.invalidate(id); // the write commits while this reader holds the old row
            return old;
        });
        assertThat(served).isEqualTo(old);
        assertThat(redis().get(cache.valueKey(id))).startsWith("0:"); // stored, but under the old generation

        assertThat(cache.get(id, () -> fresh)).isEqualTo(fresh);
        assertThat(cache.get(id, () -> old)).isEqualTo(fresh);
    }

    /** The MGET and the invalidation script take an entry's two keys together: one prefix, one cluster slot. */
    @Test
    void anEntrysKeysAreUnderThePrefixAndInOneClusterSlot() {
        JsonCache<Card> cache = cache(redis(), 3);
        String id = UUID.randomUUID().toString();
        cache.get(id, () -> new Card("tagged", Instant.EPOCH));
        cache.invalidate(id);

        assertThat(cache.valueKey(id)).isEqualTo(keys.prefix() + "cache:{test:" + id + "}:v3");
        assertThat(cache.generationKey(id)).isEqualTo(keys.prefix() + "cache:{test:" + id + "}:gen");
        assertThat(JedisClusterCRC16.getSlot(cache.valueKey(id))).isEqualTo(JedisClusterCRC16.getSlot(cache.generationKey(id)));
        assertThat(target().keys(k -> k.startsWith(keys.prefix()))).containsExactly(cache.generationKey(id));
    }

    /** Two stacks on one Redis, as a developer's and a test run's: neither reads what the other cached. */
    @Test
    void cachesUnderDifferentPrefixesDoNotShareEntries() {
        JsonCache<Card> mine = cache(redis(), 1);
        JsonCache<Card> other = cache(redis(), TestRedis.newKeys(), 1);
        mine.get("all", () -> new Card("mine", Instant.EPOCH));

        assertThat(other.get("all", () -> new Card("other's", Instant.EPOCH)).name()).isEqualTo("other's");
        assertThat(mine.get("all", () -> new Card("reloaded", Instant.EPOCH)).name()).isEqualTo("mine");
    }

    @Test
    void aNewSchemaNumberIgnoresEntriesOfTheOldOne() {
        String id = UUID.randomUUID().toString();
        cache(redis(), 1).get(id, () -> new Card("v1", Instant.EPOCH));
        assertThat(cache(redis(), 2).get(id, () -> new Card("v2", Instant.EPOCH)).name()).isEqualTo("v2");
    }

    @Test
    void withoutRedisEveryReadLoadsAndNothingFails() {
        try (UnifiedJedis down = RedisClient.builder().hostAndPort("127.0.0.1", 1)
                .clientConfig(DefaultJedisClientConfig.builder().connectionTimeoutMillis(200).build()).build()) {
            JsonCache<Card> cache = cache(down, 1);
            AtomicInteger loads = new AtomicInteger();
            for (int i = 0; i < 3; i++) {
                assertThat(cache.get("x", () -> new Card("from db " + loads.incrementAndGet(), Instant.EPOCH)).name())
                        .isEqualTo("from db " + (i + 1));
            }
            cache.invalidate("x");
            assertThat(count("misses")).isEqualTo(3);
            assertThat(count("hits")).isZero();
            // One failed read, then reads skip Redis for the backoff; the invalidation always tries.
            assertThat(count("errors")).isEqualTo(2);
            @SuppressWarnings("unchecked")
            Gauge<Double> ratio = metrics.getGauges().get("koomy.cache.test.hit-ratio");
            assertThat(ratio.getValue()).satisfiesAnyOf(r -> assertThat(r).isNaN(), r -> assertThat(r).isZero());
        }
    }
}
