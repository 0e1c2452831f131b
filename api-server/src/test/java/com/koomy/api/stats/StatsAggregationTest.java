package com.koomy.api.stats;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Counters of two instances summed field by field give the same figures as one instance seeing everything. */
class StatsAggregationTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:15:30Z"), ZoneOffset.UTC);
    private final long minute = clock.millis() / 60_000;

    @Test
    void twoInstancesMergeIntoTheSamePercentilesAsOne() {
        RequestStats a = new RequestStats(clock);
        RequestStats b = new RequestStats(clock);
        RequestStats both = new RequestStats(clock);
        for (int i = 0; i < 90; i++) {
            a.record("GET /api/x", 200, 20);
            both.record("GET /api/x", 200, 20);
        }
        for (int i = 0; i < 10; i++) {
            b.record("POST /api/y/{id}", 503, 1800);
            both.record("POST /api/y/{id}", 503, 1800);
        }
        Map<Long, Map<String, Long>> summed = new HashMap<>();
        for (RequestStats instance : new RequestStats[]{a, b}) {
            instance.drain().forEach((m, fields) -> fields.forEach((f, v) ->
                    summed.computeIfAbsent(m, k -> new HashMap<>()).merge(f, v, Long::sum)));
        }
        RequestSummary merged = RequestSummary.of(summed, minute - 59, minute, 10);
        RequestSummary single = RequestSummary.of(both.drain(), minute - 59, minute, 10);

        assertThat(merged).isEqualTo(single);
        assertThat(merged.requests()).isEqualTo(100);
        assertThat(merged.errors5xx()).isEqualTo(10);
        assertThat(merged.errorRate5xx()).isEqualTo(0.1);
        assertThat(merged.meanMs()).isEqualTo(198.0);
        assertThat(merged.p95Ms()).isBetween(1500L, 2000L);
        assertThat(merged.slowestRoutes().get(0).route()).isEqualTo("POST /api/y/{id}");
        assertThat(merged.perMinute()).hasSize(60);
        assertThat(merged.perMinute().get(59).requests()).isEqualTo(100);
    }

    @Test
    void drainingTwiceCountsNothingTwice() {
        RequestStats stats = new RequestStats(clock);
        stats.record("GET /api/x", 200, 5);
        assertThat(stats.drain().get(minute)).containsEntry("n", 1L);
        assertThat(stats.drain()).isEmpty();
    }

    @Test
    void percentilesInterpolateInsideTheirBucket() {
        long[] counts = new long[LatencyHistogram.BUCKETS];
        counts[LatencyHistogram.bucket(3)] = 50;
        counts[LatencyHistogram.bucket(900)] = 50;
        assertThat(LatencyHistogram.percentile(counts, 0.5)).isEqualTo(5);
        assertThat(LatencyHistogram.percentile(counts, 0.99)).isBetween(750L, 1000L);
        assertThat(LatencyHistogram.percentile(new long[LatencyHistogram.BUCKETS], 0.95)).isNull();
    }
}
