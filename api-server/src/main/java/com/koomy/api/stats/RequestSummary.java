package com.koomy.api.stats;

import jakarta.annotation.Nullable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Requests over a window of minutes: totals, one row per minute, and the slowest routes by mean. */
public record RequestSummary(long requests, long errors5xx, long errors4xx, @Nullable Double errorRate5xx,
                             @Nullable Double meanMs, @Nullable Long p95Ms, @Nullable Long p99Ms, List<Minute> perMinute, List<Route> slowestRoutes) {

    public record Minute(String minute, long requests, long errors5xx, long errors4xx, @Nullable Double meanMs) {
    }

    public record Route(String route, long requests, long errors5xx, @Nullable Double meanMs, @Nullable Long p95Ms, @Nullable Long p99Ms) {
    }

    public static RequestSummary of(Map<Long, Map<String, Long>> byMinute, long from, long to, int topRoutes) {
        Map<String, Long> total = new HashMap<>();
        List<Minute> perMinute = new ArrayList<>();
        for (long minute = from; minute <= to; minute++) {
            Map<String, Long> fields = byMinute.getOrDefault(minute, Map.of());
            fields.forEach((field, value) -> total.merge(field, value, Long::sum));
            long n = fields.getOrDefault("n", 0L);
            perMinute.add(new Minute(Instant.ofEpochSecond(minute * 60).toString(), n, fields.getOrDefault("s5", 0L),
                    fields.getOrDefault("s4", 0L), mean(fields.getOrDefault("ms", 0L), n)));
        }
        Map<String, Map<String, Long>> routes = new HashMap<>();
        total.forEach((field, value) -> {
            if (field.startsWith("r|")) {
                int bar = field.lastIndexOf('|');
                routes.computeIfAbsent(field.substring(2, bar), r -> new HashMap<>()).put(field.substring(bar + 1), value);
            }
        });
        List<Route> slowest = routes.entrySet().stream()
                .map(e -> route(e.getKey(), e.getValue()))
                .sorted(Comparator.comparing(Route::meanMs, Comparator.nullsLast(Comparator.reverseOrder())))
                .limit(topRoutes)
                .toList();
        long n = total.getOrDefault("n", 0L);
        long s5 = total.getOrDefault("s5", 0L);
        long[] histogram = histogram(total);
        return new RequestSummary(n, s5, total.getOrDefault("s4", 0L), n == 0 ? null : (double) s5 / n,
                mean(total.getOrDefault("ms", 0L), n), LatencyHistogram.percentile(histogram, 0.95),
                LatencyHistogram.percentile(histogram, 0.99), perMinute, slowest);
    }

    private static Route route(String name, Map<String, Long> fields) {
        long n = fields.getOrDefault("n", 0L);
        long[] histogram = histogram(fields);
        return new Route(name, n, fields.getOrDefault("s5", 0L), mean(fields.getOrDefault("ms", 0L), n),
                LatencyHistogram.percentile(histogram, 0.95), LatencyHistogram.percentile(histogram, 0.99));
    }

    private static long[] histogram(Map<String, Long> fields) {
        long[] counts = new long[LatencyHistogram.BUCKETS];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = fields.getOrDefault("h" + i, 0L);
        }
        return counts;
    }

    private static Double mean(long sum, long n) {
        return n == 0 ? null : Math.round(10.0 * sum / n) / 10.0;
    }
}
