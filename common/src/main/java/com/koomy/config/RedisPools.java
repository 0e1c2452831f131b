package com.koomy.config;

import org.apache.commons.pool2.impl.GenericObjectPool;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

import java.util.Collection;
import java.util.List;
import java.util.function.ToIntFunction;

/** The connection pools behind a client of any topology, for the pool gauges (summed over the nodes). */
public final class RedisPools {

    private final UnifiedJedis client;

    public RedisPools(UnifiedJedis client) {
        this.client = client;
    }

    public int active() { return sum(GenericObjectPool::getNumActive); }

    public int idle() { return sum(GenericObjectPool::getNumIdle); }

    public int waiting() { return sum(GenericObjectPool::getNumWaiters); }

    /** The connections there may be at most (each node's pool's maxTotal, summed). */
    public int maxTotal() { return sum(GenericObjectPool::getMaxTotal); }

    private int sum(ToIntFunction<GenericObjectPool<?>> metric) {
        return pools().stream().mapToInt(metric).sum();
    }

    private Collection<? extends GenericObjectPool<?>> pools() {
        if (client instanceof RedisClient standalone) {
            return List.of(standalone.getPool());
        }
        if (client instanceof RedisSentinelClient sentinel) {
            return sentinel.getPrimaryNodesConnectionMap().values().stream().map(p -> (GenericObjectPool<?>) p).toList();
        }
        if (client instanceof RedisClusterClient cluster) {
            return cluster.getClusterNodes().values();
        }
        return List.of();
    }
}
