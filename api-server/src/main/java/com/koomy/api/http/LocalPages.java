package com.koomy.api.http;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Weigher;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Rendered answers kept in this process for {@code localTtl} (0: off) in front of a slower source, bounded by
 * their bytes ({@code maxBytes}, Caffeine's weight; the least used go first), with the epoch check: a load that
 * started before a change was forgotten ({@link #forget}) is not kept, so a page read before a change never
 * outlives it. Hits and misses are meters {@code koomy.cache.<name>-local.hits} and {@code .misses}.
 * <p>
 * Used as: {@link #get} (null: a miss), then {@link #epoch()}, the load, and {@link #keep}; no lambda, so
 * the fast paths that read through it allocate nothing for it.
 */
public final class LocalPages<K, V> {

    private final boolean keep;
    private final Cache<K, V> local;
    private final AtomicLong epoch = new AtomicLong();
    private final Meter hits;
    private final Meter misses;

    public LocalPages(String name, Duration localTtl, long maxBytes, Weigher<K, V> weigher, MetricRegistry metrics) {
        this.keep = !localTtl.isZero() && !localTtl.isNegative();
        this.local = Caffeine.newBuilder()
                .expireAfterWrite(localTtl)
                .maximumWeight(maxBytes)
                .weigher(weigher)
                .build();
        this.hits = metrics.meter("koomy.cache." + name + "-local.hits");
        this.misses = metrics.meter("koomy.cache." + name + "-local.misses");
    }

    /** The kept answer (a hit), or null (a miss: load it after taking {@link #epoch()}). */
    public V get(K key) {
        V kept = local.getIfPresent(key);
        if (kept != null) {
            hits.mark();
        } else {
            misses.mark();
        }
        return kept;
    }

    /** Taken before a load, handed to {@link #keep} after it. */
    public long epoch() {
        return epoch.get();
    }

    /** Keeps what a load that began at {@code before} read, unless a change was forgotten meanwhile. */
    public void keep(K key, V value, long before) {
        if (!keep) {
            return;
        }
        local.put(key, value);
        if (epoch.get() != before) {
            local.invalidate(key); // a change committed while this load ran: do not keep what it read
        }
    }

    /** Drops one answer without counting as a change (the source has nothing to keep for it). */
    public void invalidate(K key) {
        local.invalidate(key);
    }

    /** A change: drops the answers it may touch, and no load that began before it is kept. */
    public void forget(K key) {
        epoch.incrementAndGet();
        local.invalidate(key);
    }

    /** {@link #forget} for every answer whose key {@code touched} accepts. */
    public void forgetIf(Predicate<K> touched) {
        epoch.incrementAndGet();
        local.asMap().keySet().removeIf(touched);
    }

    /** {@link #forget} for every answer. */
    public void forgetAll() {
        epoch.incrementAndGet();
        local.invalidateAll();
    }
}
