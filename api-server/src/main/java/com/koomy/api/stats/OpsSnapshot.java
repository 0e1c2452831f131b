package com.koomy.api.stats;

import java.time.Instant;
import java.util.Map;

/**
 * What {@link OpsSampler} last read from the database: job queue, Stripe events and emails by status.
 * {@code error} says why a sample has no data (the database unreachable or its pool exhausted).
 */
public record OpsSnapshot(Instant at, String error, Jobs jobs, Map<String, Long> stripeEvents,
                          Long stripeEventsFailingLastHour, Map<String, Long> emails) {

    /**
     * JobRunr's queue: jobs by state, age of the longest-waiting ENQUEUED job, jobs that ended FAILED
     * within the alert window, servers with a recent heartbeat. {@code tablesExist} is false until a
     * worker has started once on this database.
     */
    public record Jobs(boolean tablesExist, Map<String, Long> byState, Long oldestEnqueuedAgeSeconds,
                       long failedRecently, long liveServers) {
    }

    public static OpsSnapshot unavailable(Instant at, String error) {
        return new OpsSnapshot(at, error, null, Map.of(), null, Map.of());
    }

    public boolean hasData() {
        return error == null;
    }
}
