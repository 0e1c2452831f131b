package com.koomy.health;

import com.koomy.testing.SharedRedisCluster;
import com.koomy.testing.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import static org.assertj.core.api.Assertions.assertThat;

class RedisHealthCheckTest {

    @Test
    void healthyOnTheTestsRedis() {
        assertThat(new RedisHealthCheck(TestRedis.client()).execute().isHealthy()).isTrue();
    }

    @Test
    @EnabledIf("com.koomy.testing.RedisServers#available")
    void healthyOnACluster() {
        assertThat(new RedisHealthCheck(SharedRedisCluster.client()).execute().isHealthy()).isTrue();
    }

    @Test
    void unhealthyWhenNothingListens() {
        try (UnifiedJedis down = RedisClient.builder().hostAndPort("127.0.0.1", 1).build()) {
            assertThat(new RedisHealthCheck(down).execute().isHealthy()).isFalse();
        }
    }
}
