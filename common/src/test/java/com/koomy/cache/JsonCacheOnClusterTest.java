package com.koomy.cache;

import com.koomy.testing.SharedRedisCluster;
import org.junit.jupiter.api.condition.EnabledIf;
import redis.clients.jedis.UnifiedJedis;

import java.util.Set;
import java.util.function.Predicate;

/** {@link JsonCacheTest} on a Redis Cluster of three primaries (real servers): keys used together share a slot. */
@EnabledIf("com.koomy.testing.RedisServers#available")
class JsonCacheOnClusterTest extends JsonCacheTest {

    @Override
    UnifiedJedis redis() {
        return SharedRedisCluster.client();
    }

    @Override
    Set<String> keys(Predicate<String> filter) {
        return SharedRedisCluster.keys(filter);
    }
}
