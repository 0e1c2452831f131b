package com.koomy.api.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.config.RedisKeys;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One sampler for the cluster (issue 23): the API instances share the database's counts through Redis.
 * The instance holding the lease ({@link RedisKeys#opsSamplerLease}: SET NX PX, renewed every period by
 * its holder) runs the queries and writes the snapshot ({@link RedisKeys#opsSnapshot}, JSON with its
 * sampled-at time); the others read it. The lease lasts a few periods: a holder that dies without
 * {@link #release() releasing} it is replaced when it expires. Every method throws the Redis client's
 * exception when Redis fails: {@link OpsSampler} then samples on its own.
 */
public class SharedSnapshot {

    /** Takes the lease when free (SET NX PX) or renews it when this instance holds it; 1 when held. */
    private static final String HOLD = """
            local holder = redis.call('GET', KEYS[1])
            if holder == false then
              redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
              return 1
            elseif holder == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return 1
            end
            return 0""";
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0""";

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final ObjectMapper json;
    private final String instance;
    private final Duration lease;

    /** {@code lease}: how long the lease and the written snapshot last without renewal. */
    public SharedSnapshot(UnifiedJedis redis, RedisKeys keys, ObjectMapper json, String instance, Duration lease) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.instance = instance;
        this.lease = lease;
    }

    public String instance() {
        return instance;
    }

    /** Whether this instance holds the lease now (taken or renewed). */
    public boolean holdLease() {
        Object held = redis.eval(HOLD, List.of(keys.opsSamplerLease()), List.of(instance, Long.toString(lease.toMillis())));
        return Long.valueOf(1).equals(held);
    }

    /** Gives the lease up if this instance holds it, so another takes over at its next period. */
    public void release() {
        redis.eval(RELEASE, List.of(keys.opsSamplerLease()), List.of(instance));
    }

    /** The instance holding the lease, if any. */
    public Optional<String> holder() {
        return Optional.ofNullable(redis.get(keys.opsSamplerLease()));
    }

    public void publish(OpsSnapshot snapshot) {
        try {
            redis.set(keys.opsSnapshot(), json.writeValueAsString(snapshot), SetParams.setParams().px(lease.toMillis()));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last snapshot the lease holder wrote, unless it expired (the holder stopped writing). */
    public Optional<OpsSnapshot> read() {
        String value = redis.get(keys.opsSnapshot());
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(value, OpsSnapshot.class));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
