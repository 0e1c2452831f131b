package com.koomy.events;

import com.koomy.cache.JsonCache;
import com.koomy.db.ReadDatabase;

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
 * instance, one request counts while the others answer with that instance's previous count (if under
 * 3 s old) rather than wait. Counts are therefore up to a few seconds old ({@code computedAt} says
 * when), never wrong. They are counted on the read replica when there is one (its bounded lag adds to
 * that age); who may see them is checked on the primary, as for scans.
 */
public class CheckinStatsReader {

    /** Bump when {@link CheckinStats} changes shape. */
    public static final int CACHE_SCHEMA = 1;

    private final ReadDatabase reads;
    private final ScannerAccess access;
    private final JsonCache<CheckinStats> cache;
    private final Map<UUID, CompletableFuture<CheckinStats>> counting = new ConcurrentHashMap<>();
    /** The last count made here per event (bounded: cleared past 10,000 events). */
    private final Map<UUID, CheckinStats> last = new ConcurrentHashMap<>();
    private static final java.time.Duration STALE_AT_MOST = java.time.Duration.ofSeconds(3);

    public CheckinStatsReader(ReadDatabase reads, ScannerAccess access, JsonCache<CheckinStats> cache) {
        this.reads = reads;
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
            // While one request counts, the others answer with this instance's previous count if it is
            // recent, instead of all waiting for the count (which is what made the poll's p99).
            CheckinStats previous = last.get(eventId);
            if (previous != null && previous.computedAt().isAfter(Instant.now().minus(STALE_AT_MOST))) {
                return previous;
            }
            return running.join();
        }
        try {
            CheckinStats stats = count(eventId);
            if (last.size() > 10_000) {
                last.clear();
            }
            last.put(eventId, stats);
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
        return reads.withHandle(handle -> {
            Event event = handle.attach(EventDao.class).find(eventId).orElseThrow(EventErrors::notFound);
            CheckinDao checkins = handle.attach(CheckinDao.class);
            List<CheckinStats.Gate> gates = checkins.gates(eventId);
            long scans = checkins.scansLastMinute(eventId);
            Instant now = checkins.now();
            return new CheckinStats(eventId, event.capacity(), event.confirmedCount(), event.waitlistedCount(),
                    gates.stream().mapToLong(CheckinStats.Gate::admitted).sum(),
                    gates.stream().mapToLong(CheckinStats.Gate::admittedLastMinute).sum(), scans, gates, now);
        });
    }
}
