package com.koomy.ratelimit;

import com.koomy.testing.RedisTarget;
import org.junit.jupiter.api.condition.EnabledIf;

/** {@link ProviderRateLimiterTest} on a Redis Cluster of three primaries (real servers): keys used together share a slot. */
@EnabledIf("com.koomy.testing.RedisServers#available")
class ProviderRateLimiterOnClusterTest extends ProviderRateLimiterTest {

    @Override
    RedisTarget target() {
        return RedisTarget.CLUSTER;
    }
}
