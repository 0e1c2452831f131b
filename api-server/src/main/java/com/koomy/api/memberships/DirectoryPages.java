package com.koomy.api.memberships;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.communities.Communities;
import com.koomy.memberships.MemberQuery;
import com.koomy.memberships.Memberships;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Member directory pages, serialized, kept in this API instance's memory for {@code localTtl} (1 s by
 * default; 0: off). A page depends only on the community and the query, not on which owner or admin
 * asks, so a busy directory is read from PostgreSQL once per second per instance; the caller's right is
 * still checked on every request ({@link DirectoryFilter}). A membership change made through this
 * instance drops the community's pages at once ({@link Communities#onChange}); changes made elsewhere (another
 * instance, a payment extending dues, a renamed account) show within {@code localTtl}.
 */
public final class DirectoryPages {

    private record Key(UUID communityId, String status, String role, String dues, String text, int limit, String cursor) {
    }

    private record Entry(byte[] body, long loadedAt) {
    }

    private final Memberships memberships;
    private final ObjectMapper json;
    private final long ttlNanos;
    private final int maxEntries;
    private final Map<Key, Entry> local = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    private final Meter hits;
    private final Meter misses;

    public DirectoryPages(Memberships memberships, Communities communities, ObjectMapper json, Duration localTtl,
                          int maxEntries, MetricRegistry metrics) {
        this.memberships = memberships;
        this.json = json;
        this.ttlNanos = localTtl.toNanos();
        this.maxEntries = maxEntries;
        this.hits = metrics.meter("koomy.cache.directory-local.hits");
        this.misses = metrics.meter("koomy.cache.directory-local.misses");
        communities.onChange(this::forget);
    }

    /**
     * The page as JSON, for a caller whose right to the directory was checked just before; the load
     * itself checks it again (and throws as {@link Memberships#directory} does).
     */
    public byte[] page(UUID communityId, UUID callerId, MemberQuery query) throws JsonProcessingException {
        Key key = new Key(communityId, query.status(), query.role(), query.dues(), query.text(), query.limit(),
                query.after() == null ? null : query.after().encode());
        long now = System.nanoTime();
        Entry entry = local.get(key);
        if (entry != null && now - entry.loadedAt() < ttlNanos) {
            hits.mark();
            return entry.body();
        }
        misses.mark();
        long before = epoch.get();
        byte[] body = json.writeValueAsBytes(memberships.directory(communityId, callerId, query));
        if (local.size() >= maxEntries) {
            local.clear(); // bounded memory; the next reads refill it
        }
        if (ttlNanos == 0) {
            return body;
        }
        local.put(key, new Entry(body, now));
        if (epoch.get() != before) {
            local.remove(key); // a change committed while this load ran: do not keep what it read
        }
        return body;
    }

    void forget(UUID communityId) {
        epoch.incrementAndGet();
        local.keySet().removeIf(key -> Objects.equals(key.communityId(), communityId));
    }
}
