package com.koomy.cache;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.RatioGauge;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.config.RedisKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Read-through cache of JSON values in Redis, one entry per id (a community, or "all" for a list).
 * <p>
 * Keys (under the stack's prefix, {@link RedisKeys#cacheEntry}): the value at
 * {@code <prefix>cache:{<name>:<id>}:v<schema>} holding {@code <generation>:<json>}, and the id's
 * generation counter at {@code <prefix>cache:{<name>:<id>}:gen}; the hash tag puts both in one cluster
 * slot, as the MGET and the invalidation script need. A read fetches both in one MGET
 * and hits only if the value was stored under the current generation. {@link #invalidate} increments
 * the generation (and drops the value) after the write has committed. A reader that read the old row
 * before that commit stored it under the old generation, which no later reader accepts: the race
 * "read old row, invalidate, store old row" cannot serve stale data past the write. Bumping the schema
 * number when the cached type changes makes old entries unreachable after a deploy. Several values may
 * share an id's generation ({@link #get(String, String, Supplier)}, the pages of a search): one invalidation
 * then retires them all.
 * <p>
 * Redis is an optimisation here, never a dependency: any Redis error counts as a miss and the value
 * comes from the loader; reads then skip Redis for {@link #BACKOFF} so that an outage costs one
 * timeout every few seconds, not one per request. Invalidations always try Redis; one that fails
 * leaves at most one TTL of staleness after Redis comes back (warned in the log).
 */
public class JsonCache<T> {

    private static final Logger LOG = LoggerFactory.getLogger(JsonCache.class);
    static final Duration BACKOFF = Duration.ofSeconds(5);
    private static final Duration WARN_EVERY = Duration.ofSeconds(30);
    /** Outlives every value by far, so an expired counter cannot bring an old generation back. */
    private static final Duration GENERATION_TTL = Duration.ofDays(30);
    private static final String INVALIDATE = """
            redis.call('INCR', KEYS[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return redis.call('DEL', KEYS[2])
            """;

    private final String name;
    private final RedisKeys keys;
    private final int schema;
    private final long ttlSeconds;
    private final JavaType type;
    private final UnifiedJedis redis;
    private final ObjectMapper json;
    private final Clock clock;
    private final Meter hits;
    private final Meter misses;
    private final Meter errors;
    private final AtomicLong skipReadsUntil = new AtomicLong();
    private final AtomicLong nextWarning = new AtomicLong();
    private final AtomicLong unreportedErrors = new AtomicLong();
    private final List<Consumer<String>> invalidationListeners = new CopyOnWriteArrayList<>();

    public JsonCache(String name, int schema, Duration ttl, JavaType type, UnifiedJedis redis, RedisKeys keys,
                     ObjectMapper json, MetricRegistry metrics, Clock clock) {
        if (ttl.toSeconds() < 1 || ttl.compareTo(GENERATION_TTL) >= 0) {
            throw new IllegalArgumentException("cache " + name + ": TTL must be between 1 s and 30 days, not " + ttl);
        }
        this.name = name;
        this.keys = keys;
        this.schema = schema;
        this.ttlSeconds = ttl.toSeconds();
        this.type = type;
        this.redis = redis;
        this.json = json;
        this.clock = clock;
        String prefix = "koomy.cache." + name + ".";
        this.hits = metrics.meter(prefix + "hits");
        this.misses = metrics.meter(prefix + "misses");
        this.errors = metrics.meter(prefix + "errors");
        metrics.gauge(prefix + "hit-ratio", () -> new RatioGauge() {
            @Override
            protected Ratio getRatio() {
                return Ratio.of(hits.getOneMinuteRate(), hits.getOneMinuteRate() + misses.getOneMinuteRate());
            }
        });
    }

    /** The cached value of {@code id}, or the loader's (then cached); the loader's exceptions pass through. */
    public T get(String id, Supplier<T> loader) {
        return get(id, null, loader);
    }

    /**
     * One of many values under {@code id}'s generation ({@code variant}: e.g. a digest of a query): each has its
     * own entry, and {@link #invalidate}{@code (id)} makes all of them unreachable at once (they then expire).
     */
    public T get(String id, String variant, Supplier<T> loader) {
        String valueKey = variant == null ? valueKey(id) : valueKey(id) + ":" + variant;
        long generation = 0;
        boolean redisUp = clock.millis() >= skipReadsUntil.get();
        if (redisUp) {
            try {
                List<String> found = redis.mget(generationKey(id), valueKey);
                generation = found.get(0) == null ? 0 : Long.parseLong(found.get(0));
                T cached = decode(found.get(1), generation);
                if (cached != null) {
                    hits.mark();
                    return cached;
                }
            } catch (JedisException e) {
                failed("read", e);
                redisUp = false;
            }
        }
        misses.mark();
        T loaded = loader.get();
        if (redisUp) {
            try {
                redis.setex(valueKey, ttlSeconds, generation + ":" + json.writeValueAsString(loaded));
            } catch (JedisException e) {
                failed("write", e);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cache " + name + ": cannot encode " + type, e);
            }
        }
        return loaded;
    }

    /** {@code listener} hears every id this process invalidates (a near cache in front of this one drops it). */
    public void onInvalidate(Consumer<String> listener) {
        invalidationListeners.add(listener);
    }

    /** Call after the write's transaction has committed: later reads load what it wrote. */
    public void invalidate(String id) {
        invalidationListeners.forEach(listener -> listener.accept(id));
        try {
            redis.eval(INVALIDATE, List.of(generationKey(id), valueKey(id)),
                    List.of(Long.toString(GENERATION_TTL.toMillis())));
        } catch (JedisException e) {
            errors.mark();
            // Not rate-limited: each one may leave an entry stale for up to one TTL once Redis is back.
            LOG.warn("Cache {}: could not invalidate {} (Redis: {}); it may be stale for up to {} s",
                    name, id, e.toString(), ttlSeconds);
        }
    }

    String valueKey(String id) {
        return keys.cacheEntry(name, id) + ":v" + schema;
    }

    String generationKey(String id) {
        return keys.cacheEntry(name, id) + ":gen";
    }

    private T decode(String stored, long generation) {
        if (stored == null) {
            return null;
        }
        int colon = stored.indexOf(':');
        if (colon < 0 || !stored.substring(0, colon).equals(Long.toString(generation))) {
            return null;
        }
        try {
            return json.readValue(stored.substring(colon + 1), type);
        } catch (JsonProcessingException e) {
            // A value this code cannot read (a schema change without a new schema number): reload it.
            LOG.warn("Cache {}: unreadable entry dropped ({})", name, e.getOriginalMessage());
            return null;
        }
    }

    /** Counts the error, backs off reads, and warns at most every 30 s with the count since the last warning. */
    private void failed(String operation, JedisException e) {
        errors.mark();
        long now = clock.millis();
        skipReadsUntil.set(now + BACKOFF.toMillis());
        long unreported = unreportedErrors.incrementAndGet();
        long next = nextWarning.get();
        if (now >= next && nextWarning.compareAndSet(next, now + WARN_EVERY.toMillis())) {
            unreportedErrors.addAndGet(-unreported);
            LOG.warn("Cache {}: Redis {} failed ({}); serving from the database, Redis skipped for {} s "
                    + "({} error(s) since the last warning)", name, operation, e.toString(), BACKOFF.toSeconds(), unreported);
        }
    }
}
