package com.koomy.accounts;

import com.koomy.testing.SharedRedisCluster;
import org.junit.jupiter.api.condition.EnabledIf;
import redis.clients.jedis.UnifiedJedis;

import java.util.Set;
import java.util.function.Predicate;

/** {@link SessionStoreTest} on a Redis Cluster of three primaries (real servers): keys used together share a slot. */
@EnabledIf("com.koomy.testing.RedisServers#available")
class SessionStoreOnClusterTest extends SessionStoreTest {

    @Override
    UnifiedJedis redis() {
        return SharedRedisCluster.client();
    }

    @Override
    Set<String> keys(Predicate<String> filter) {
        return SharedRedisCluster.keys(filter);
    }
}
