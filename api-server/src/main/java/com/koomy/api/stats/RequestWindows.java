package com.koomy.api.stats;

import java.time.Clock;
import java.util.Map;

/**
 * Reads request counters for the last minutes: from Redis, all instances summed ("cluster"), or
 * this instance's own history ("instance"). When Redis cannot be read, the cluster view falls back
 * to this instance and says so in {@code degraded}.
 */
public class RequestWindows {

    public record Window(String scope, String degraded, long fromMinute, long toMinute, Map<Long, Map<String, Long>> byMinute) {

        public RequestSummary summary(int topRoutes) {
            return RequestSummary.of(byMinute, fromMinute, toMinute, topRoutes);
        }
    }

    private final StatsStore store;
    private final StatsFlusher flusher;
    private final Clock clock;

    public RequestWindows(StatsStore store, StatsFlusher flusher, Clock clock) {
        this.store = store;
        this.flusher = flusher;
        this.clock = clock;
    }

    /** The last {@code minutes} minutes, the current (partial) one included. */
    public Window last(int minutes, boolean cluster) {
        long to = clock.millis() / 60_000;
        long from = to - minutes + 1;
        if (!cluster) {
            return new Window("instance", null, from, to, flusher.history(from, to));
        }
        try {
            return new Window("cluster", flusher.degradedReason(), from, to, store.read(from, to));
        } catch (RuntimeException e) {
            return new Window("instance", "Redis unreadable (" + e.getClass().getSimpleName() + "): this instance only",
                    from, to, flusher.history(from, to));
        }
    }
}
