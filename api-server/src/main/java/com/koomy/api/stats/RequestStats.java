package com.koomy.api.stats;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * This process's request counters, per minute: the request path only adds to {@link LongAdder}s
 * (no lock, no I/O); {@link StatsFlusher} drains them to Redis every few seconds.
 *
 * <p>Fields of a minute (the same names as the Redis hash): {@code n} requests, {@code s5} and
 * {@code s4} 5xx and 4xx answers, {@code ms} summed milliseconds, {@code h<i>} latency bucket counts
 * ({@link LatencyHistogram}); the same per route as {@code r|<METHOD /template>|<field>}.
 */
public class RequestStats {

    private final Clock clock;
    private final Map<Long, Map<String, LongAdder>> minutes = new ConcurrentHashMap<>();

    public RequestStats(Clock clock) {
        this.clock = clock;
    }

    public void record(String route, int status, long millis) {
        Map<String, LongAdder> fields = minutes.computeIfAbsent(clock.millis() / 60_000, m -> new ConcurrentHashMap<>());
        String bucket = "h" + LatencyHistogram.bucket(millis);
        String prefix = "r|" + route + "|";
        add(fields, "n", 1);
        add(fields, prefix + "n", 1);
        add(fields, "ms", millis);
        add(fields, prefix + "ms", millis);
        add(fields, bucket, 1);
        add(fields, prefix + bucket, 1);
        String statusClass = status >= 500 ? "s5" : status >= 400 ? "s4" : null;
        if (statusClass != null) {
            add(fields, statusClass, 1);
            add(fields, prefix + statusClass, 1);
        }
    }

    private static void add(Map<String, LongAdder> fields, String field, long value) {
        fields.computeIfAbsent(field, f -> new LongAdder()).add(value);
    }

    /**
     * Takes what was counted since the last drain, by epoch minute. No count is lost: each adder is
     * read and zeroed atomically, and a minute's adders are only dropped two minutes after it ended,
     * when no request can still be adding to it.
     */
    public Map<Long, Map<String, Long>> drain() {
        long current = clock.millis() / 60_000;
        Map<Long, Map<String, Long>> drained = new HashMap<>();
        minutes.forEach((minute, fields) -> {
            Map<String, Long> values = new HashMap<>();
            fields.forEach((field, adder) -> {
                long v = adder.sumThenReset();
                if (v != 0) {
                    values.put(field, v);
                }
            });
            if (!values.isEmpty()) {
                drained.put(minute, values);
            }
        });
        minutes.keySet().removeIf(minute -> minute < current - 1);
        return drained;
    }
}
