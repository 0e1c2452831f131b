package com.koomy.api.stats;

import io.dropwizard.lifecycle.Managed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every few seconds, moves this process's counters to Redis and into a one-hour local history (the
 * per-instance view, and the fallback when Redis is down). When Redis fails the counts wait and go
 * with the next flush that works (at most the retention's worth); requests never notice.
 */
public class StatsFlusher implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(StatsFlusher.class);

    private final RequestStats stats;
    private final StatsStore store;
    private final Duration every;
    private final Duration retention;
    private final Clock clock;
    private final Map<Long, Map<String, Long>> history = new TreeMap<>();
    private final Map<Long, Map<String, Long>> unsent = new TreeMap<>();
    private volatile Instant failingSince;
    private volatile String lastError;
    private ScheduledExecutorService executor;

    public StatsFlusher(RequestStats stats, StatsStore store, Duration every, Duration retention, Clock clock) {
        this.stats = stats;
        this.store = store;
        this.every = every;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "stats-flusher"));
        executor.scheduleWithFixedDelay(this::flushQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        executor.shutdown();
        flushQuietly();
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("Request statistics not flushed", e);
        }
    }

    /** Drains the counters; returns whether Redis took everything pending. */
    public synchronized boolean flush() {
        Map<Long, Map<String, Long>> drained = stats.drain();
        long oldest = clock.millis() / 60_000 - retention.toMinutes();
        merge(history, drained);
        history.keySet().removeIf(minute -> minute < clock.millis() / 60_000 - 60);
        merge(unsent, drained);
        unsent.keySet().removeIf(minute -> minute < oldest);
        try {
            store.add(unsent);
            unsent.clear();
            if (failingSince != null) {
                LOG.info("Request statistics reach Redis again");
            }
            failingSince = null;
            lastError = null;
            return true;
        } catch (RuntimeException e) {
            if (failingSince == null) {
                failingSince = clock.instant();
                LOG.warn("Request statistics cannot reach Redis; this instance's counts wait: {}", e.toString());
            }
            lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            return false;
        }
    }

    /** This instance's counters of minutes {@code from..to} (flushed ones; the last few seconds join at the next flush). */
    public synchronized Map<Long, Map<String, Long>> history(long from, long to) {
        Map<Long, Map<String, Long>> copy = new TreeMap<>();
        history.forEach((minute, fields) -> {
            if (minute >= from && minute <= to) {
                copy.put(minute, new HashMap<>(fields));
            }
        });
        return copy;
    }

    /** Why the Redis view lacks this instance's latest counts, or null when writes work. */
    public String degradedReason() {
        Instant since = failingSince;
        return since == null ? null : "Redis writes failing since " + since + " (" + lastError + ")";
    }

    private static void merge(Map<Long, Map<String, Long>> into, Map<Long, Map<String, Long>> from) {
        from.forEach((minute, fields) -> {
            Map<String, Long> target = into.computeIfAbsent(minute, m -> new HashMap<>());
            fields.forEach((field, value) -> target.merge(field, value, Long::sum));
        });
    }
}
