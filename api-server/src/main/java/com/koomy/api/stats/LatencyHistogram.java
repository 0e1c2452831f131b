package com.koomy.api.stats;

/**
 * Latency buckets with fixed bounds, the same in every process, so counts from several instances
 * (summed in Redis) merge exactly and percentiles come from the merged counts. A percentile is
 * interpolated inside its bucket: good to a bucket's width, which is what an alert needs.
 */
public final class LatencyHistogram {

    /** Upper bounds in milliseconds; the last bucket holds everything slower than the last bound. */
    static final long[] BOUNDS = {5, 10, 25, 50, 100, 250, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 30000};
    public static final int BUCKETS = BOUNDS.length + 1;

    private LatencyHistogram() {
    }

    public static int bucket(long millis) {
        for (int i = 0; i < BOUNDS.length; i++) {
            if (millis <= BOUNDS[i]) {
                return i;
            }
        }
        return BOUNDS.length;
    }

    /** The q-quantile (0 < q <= 1) of the counted values, or null when nothing was counted. */
    public static Long percentile(long[] counts, double q) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return null;
        }
        double rank = q * total;
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0 && seen + counts[i] >= rank) {
                long lower = i == 0 ? 0 : BOUNDS[i - 1];
                if (i == BOUNDS.length) {
                    return lower; // slower than the last bound: report the bound, a floor
                }
                double within = (rank - seen) / counts[i];
                return Math.round(lower + within * (BOUNDS[i] - lower));
            }
            seen += counts[i];
        }
        return BOUNDS[BOUNDS.length - 1];
    }
}
