package com.koomy.testing;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One three-primary Redis Cluster ({@link RedisServers#cluster()}) for every test of this JVM that runs on a
 * cluster: started on first use, stopped when the JVM exits; each test keeps to its own key prefix.
 */
public final class SharedRedisCluster {

    private static RedisServers cluster;
    private static UnifiedJedis client;

    /**
     * One client on one three-primary cluster for every test of this JVM that runs on a cluster (started on
     * first use, stopped when the JVM exits); each test keeps to its own key prefix, as on the shared Redis.
     */
    public static synchronized UnifiedJedis client() {
        if (client == null) {
            try {
                cluster = RedisServers.cluster();
            } catch (Exception e) {
                throw new IllegalStateException("could not start a Redis Cluster", e);
            }
            client = cluster.factory("koomy-test-unused:").build("koomy-cluster-tests");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                client.close();
                cluster.close();
            }));
        }
        return client;
    }

    /** The {@code redis.nodes} setting of the shared cluster (started on first use). */
    public static String nodes() {
        client();
        return cluster.nodesSetting();
    }

    /** The keys of the shared cluster that match, from every primary (SCAN, node by node). */
    public static Set<String> keys(Predicate<String> filter) {
        client();
        Set<String> found = new HashSet<>();
        for (RedisServer node : cluster.nodes()) {
            try (Jedis jedis = node.connect()) {
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page = jedis.scan(cursor, new ScanParams().count(1000));
                    page.getResult().stream().filter(filter).forEach(found::add);
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            }
        }
        return found;
    }

    private SharedRedisCluster() {
    }
}
