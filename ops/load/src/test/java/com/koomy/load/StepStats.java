package com.koomy.load;

import java.util.Arrays;
import java.util.stream.LongStream;

/** Nearest-rank percentiles over the packed samples (name id << 40 | error << 39 | milliseconds). */
record StepStats(long count, long errors, long p50, long p95, long p99, long max) {
    static StepStats of(LongStream packed) {
        long[] values = packed.toArray();
        long errors = Arrays.stream(values).filter(v -> ((v >>> 39) & 1) == 1).count();
        long[] ms = Arrays.stream(values).map(v -> v & ((1L << 39) - 1)).sorted().toArray();
        return new StepStats(ms.length, errors, pct(ms, 0.50), pct(ms, 0.95), pct(ms, 0.99), ms.length == 0 ? 0 : ms[ms.length - 1]);
    }

    double errorPct() {
        return count == 0 ? 0 : 100.0 * errors / count;
    }

    private static long pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
