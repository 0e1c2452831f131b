package com.koomy.health;

import com.codahale.metrics.health.HealthCheck;
import redis.clients.jedis.UnifiedJedis;

/** Redis answers PING through the process's pool. */
public class RedisHealthCheck extends HealthCheck {

    private final UnifiedJedis redis;

    public RedisHealthCheck(UnifiedJedis redis) {
        this.redis = redis;
    }

    @Override
    protected Result check() {
        String pong = redis.ping();
        return "PONG".equals(pong) ? Result.healthy() : Result.unhealthy("PING answered " + pong);
    }
}
