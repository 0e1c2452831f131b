package com.koomy.events;

import com.koomy.cache.JsonCache;
import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The door's live counts, cheap enough for every door to poll each second: counted from PostgreSQL
 * (two index range scans over the event's check-ins and last minute of scans) at most once a second
 * across all API instances, through a {@link JsonCache} entry that lives 1 s in Redis; within one
 * instance, concurrent misses share one count. Counts are therefore up to about a second old
 * ({@code computedAt} says when), never wrong.
 */
public class CheckinStatsReader {

    /** Bump when {@link CheckinStats} changes shape. */
    public static final int CACHE_SCHEMA = 1;

    private final Jdbi jdbi;
    private final ScannerAccess access;
    private final JsonCache<CheckinStats> cache;
    private final Map<UUID, CompletableFuture<CheckinStats>> counting = new ConcurrentHashMap<>();

    public CheckinStatsReader(Jdbi jdbi, ScannerAccess access, JsonCache<CheckinStats> cache) {
        this.jdbi = jdbi;
        this.access = access;
        this.cache = cache;
    }

    /** For those who may scan at the event (else 404 or 403, as for scans). */
    public CheckinStats stats(UUID eventId, UUID callerId) {
        access.require(eventId, callerId);
        return cache.get(eventId.toString(), () -> shared(eventId));
    }

    private CheckinStats shared(UUID eventId) {
        CompletableFuture<CheckinStats> mine = new CompletableFuture<>();
        CompletableFuture<CheckinStats> running = counting.putIfAbsent(eventId, mine);
        if (running != null) {
            return running.join();
        }
        try {
            CheckinStats stats = count(eventId);
            mine.complete(stats);
            return stats;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            counting.remove(eventId, mine);
        }
    }

    CheckinStats count(UUID eventId) {
        return jdbi.withHandle(handle -> {
            Event event = handle.attach(EventDao.class).find(eventId).orElseThrow(EventException::notFound);
            List<CheckinStats.Gate> gates = handle.createQuery("""
                            /* CheckinStatsReader.gates */
                            SELECT gate, count(*) AS admitted,
                                   count(*) FILTER (WHERE admitted_at > now() - interval '1 minute') AS last_minute
                              FROM checkins WHERE event_id = :eventId
                             GROUP BY gate ORDER BY gate LIMIT 500
                            """)
                    .bind("eventId", eventId)
                    .map((rs, ctx) -> new CheckinStats.Gate(rs.getString("gate"), rs.getLong("admitted"), rs.getLong("last_minute")))
                    .list();
            long scans = handle.createQuery("""
                            /* CheckinStatsReader.scans */
                            SELECT count(*) FROM checkin_scans WHERE event_id = :eventId AND received_at > now() - interval '1 minute'
                            """)
                    .bind("eventId", eventId).mapTo(Long.class).one();
            Instant now = handle.createQuery("SELECT now()").mapTo(Instant.class).one();
            return new CheckinStats(eventId, event.capacity(), event.confirmedCount(), event.waitlistedCount(),
                    gates.stream().mapToLong(CheckinStats.Gate::admitted).sum(),
                    gates.stream().mapToLong(CheckinStats.Gate::admittedLastMinute).sum(), scans, gates, now);
        });
    }
}
