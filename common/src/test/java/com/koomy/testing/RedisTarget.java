package com.koomy.testing;

import redis.clients.jedis.UnifiedJedis;

import java.util.Set;
import java.util.function.Predicate;

/**
 * The Redis a test class runs on: the test Redis, or a Redis Cluster of three primaries (real servers,
 * {@link RedisServers}) on which an {@code ...OnClusterTest} runs the same tests again.
 */
public enum RedisTarget {
    SINGLE {
        @Override
        public UnifiedJedis client() {
            return TestRedis.client();
        }

        @Override
        public Set<String> keys(Predicate<String> filter) {
            return TestRedis.keys(filter);
        }
    },
    CLUSTER {
        @Override
        public UnifiedJedis client() {
            return SharedRedisCluster.client();
        }

        @Override
        public Set<String> keys(Predicate<String> filter) {
            return SharedRedisCluster.keys(filter);
        }
    };

    public abstract UnifiedJedis client();

    /** The keys that match (on a cluster, of every node). */
    public abstract Set<String> keys(Predicate<String> filter);
}
