package com.koomy.cache;

import com.koomy.testing.RedisTarget;
import org.junit.jupiter.api.condition.EnabledIf;

/** {@link JsonCacheTest} on a Redis Cluster of three primaries (real servers): keys used together share a slot. */
@EnabledIf("com.koomy.testing.RedisServers#available")
class JsonCacheOnClusterTest extends JsonCacheTest {

    @Override
    RedisTarget target() {
        return RedisTarget.CLUSTER;
    }
}
