package com.koomy.worker.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** {@code count} requests arrived within {@code millis} from {@code from}; the shared limiter allows {@code allowed} there. */
record RateWindow(Instant from, long millis, int count, int allowed) {

    /**
     * How much the delay between taking a token and reaching the stub may differ between two requests:
     * a worker's first request loads the HTTP client's classes and opens its connection, and a loaded
     * 2-core CI machine adds GC and scheduling pauses. With 1 s, 24 requests at 3/s still have to span
     * at least 5 s at the stub; without the limiter (or with one per worker) they arrive within 1-2 s.
     */
    static final Duration ARRIVAL_JITTER = Duration.ofSeconds(1);

    /**
     * What the shared limiter promises, seen from the stub. {@link com.koomy.ratelimit.ProviderRateLimiter}
     * is a fixed window: at most {@code perSecond} tokens per calendar second of Redis's clock, all
     * workers together (a token bucket it is not: the tokens of the end of one second and of the start
     * of the next may come back to back). A request reaches the stub some delay after its token was
     * taken; if those delays differ by at most {@code jitter}, the requests arriving within any W
     * seconds took their tokens within W + jitter seconds, which touch at most ceil(W + jitter) + 1
     * calendar seconds: at most {@code perSecond} times that. Every window between two arrivals is
     * checked; the one with the least room is returned.
     */
    static RateWindow worst(List<Instant> sortedArrivals, int perSecond, Duration jitter) {
        RateWindow worst = null;
        for (int i = 0; i < sortedArrivals.size(); i++) {
            for (int j = i; j < sortedArrivals.size(); j++) {
                long millis = Duration.between(sortedArrivals.get(i), sortedArrivals.get(j)).toMillis();
                int seconds = (int) Math.ceil((millis + jitter.toMillis()) / 1000.0) + 1;
                RateWindow window = new RateWindow(sortedArrivals.get(i), millis, j - i + 1, perSecond * seconds);
                if (worst == null || window.allowed() - window.count() < worst.allowed() - worst.count()) {
                    worst = window;
                }
            }
        }
        return worst;
    }
}
