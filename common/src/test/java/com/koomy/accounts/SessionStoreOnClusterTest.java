package com.koomy.accounts;

import com.koomy.testing.RedisTarget;
import org.junit.jupiter.api.condition.EnabledIf;

/** {@link SessionStoreTest} on a Redis Cluster of three primaries (real servers): keys used together share a slot. */
@EnabledIf("com.koomy.testing.RedisServers#available")
class SessionStoreOnClusterTest extends SessionStoreTest {

    @Override
    RedisTarget target() {
        return RedisTarget.CLUSTER;
    }
}
