package com.koomy.api.stats;

import com.koomy.config.RedisKeys;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-minute request counters of every API instance, summed in Redis: one hash per minute,
 * {@code <prefix>stats:req:<epochMinute>} ({@link RedisKeys#requestStats}), fields as in {@link RequestStats},
 * incremented with HINCRBY (so instances add up) and expiring after the retention. The stack's key prefix
 * keeps environments (and parallel test classes) sharing a Redis apart.
 */
public class StatsStore {

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final long retentionSeconds;

    public StatsStore(UnifiedJedis redis, RedisKeys keys, Duration retention) {
        this.redis = redis;
        this.keys = keys;
        this.retentionSeconds = retention.toSeconds();
    }

    /** Adds drained counts; one round trip. Throws the Redis client's exception when Redis fails. */
    public void add(Map<Long, Map<String, Long>> byMinute) {
        if (byMinute.isEmpty()) {
            return;
        }
        try (AbstractPipeline pipeline = redis.pipelined()) {
            byMinute.forEach((minute, fields) -> {
                String key = keys.requestStats(minute);
                fields.forEach((field, value) -> pipeline.hincrBy(key, field, value));
                pipeline.expire(key, retentionSeconds);
            });
            pipeline.sync();
        }
    }

    /** The summed counters of minutes {@code from..to} (epoch minutes, inclusive); absent minutes are left out. */
    public Map<Long, Map<String, Long>> read(long from, long to) {
        Map<Long, Response<Map<String, String>>> responses = new LinkedHashMap<>();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (long minute = from; minute <= to; minute++) {
                responses.put(minute, pipeline.hgetAll(keys.requestStats(minute)));
            }
            pipeline.sync();
        }
        Map<Long, Map<String, Long>> result = new TreeMap<>();
        responses.forEach((minute, response) -> {
            Map<String, String> raw = response.get();
            if (raw != null && !raw.isEmpty()) {
                Map<String, Long> fields = new LinkedHashMap<>();
                raw.forEach((field, value) -> fields.put(field, Long.parseLong(value)));
                result.put(minute, fields);
            }
        });
        return result;
    }
}
