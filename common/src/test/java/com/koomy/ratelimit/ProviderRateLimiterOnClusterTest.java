package com.koomy.ratelimit;

import com.koomy.testing.SharedRedisCluster;
import org.junit.jupiter.api.condition.EnabledIf;
import redis.clients.jedis.UnifiedJedis;

import java.util.Set;
import java.util.function.Predicate;

/** {@link ProviderRateLimiterTest} on a Redis Cluster of three primaries (real servers): keys used together share a slot. */
@EnabledIf("com.koomy.testing.RedisServers#available")
class ProviderRateLimiterOnClusterTest extends ProviderRateLimiterTest {

    @Override
    UnifiedJedis redis() {
        return SharedRedisCluster.client();
    }

    @Override
    Set<String> keys(Predicate<String> filter) {
        return SharedRedisCluster.keys(filter);
    }
}
