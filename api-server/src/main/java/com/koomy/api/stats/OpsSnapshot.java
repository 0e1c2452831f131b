package com.koomy.api.stats;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;
import java.util.Map;

/**
 * What {@link OpsSampler} last read from the database: job queue, Stripe events and emails by their
 * non-terminal status (exact, from indexes), and the terminal totals as {@link Estimates}.
 * {@code error} says why a sample has no data (the database unreachable or its pool exhausted).
 * {@code sampledBy} names the API instance that ran the queries (one for the cluster: see
 * {@link SharedSnapshot}). Shared through Redis as JSON, so unknown fields are ignored (instances of
 * two versions during a rollout).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OpsSnapshot(Instant at, String error, Jobs jobs, Map<String, Long> stripeEvents,
                          Long stripeEventsFailingLastHour, Map<String, Long> emails, Estimates estimates,
                          String sampledBy) {

    /**
     * JobRunr's queue: jobs by non-terminal state, age of the longest-waiting ENQUEUED job, jobs that ended
     * FAILED within the alert window, servers with a recent heartbeat. {@code tablesExist} is false until a
     * worker has started once on this database.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Jobs(boolean tablesExist, Map<String, Long> byState, Long oldestEnqueuedAgeSeconds,
                       long failedRecently, long liveServers) {
    }

    /**
     * Terminal totals (jobs SUCCEEDED, Stripe events processed or ignored, emails sent or suppressed), never
     * counted: estimated from the planner's statistics (row estimate times the value's frequency), as fresh as
     * the table's last ANALYZE. A value too rare to be among the most common ones is absent.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Estimates(String method, Map<String, Long> jobs, Map<String, Long> stripeEvents, Map<String, Long> emails) {

        public static final String METHOD = "estimate: pg_class.reltuples x pg_stats.most_common_freqs (as of the last ANALYZE)";

        static Estimates none() {
            return new Estimates(METHOD, Map.of(), Map.of(), Map.of());
        }
    }

    public static OpsSnapshot unavailable(Instant at, String error, String sampledBy) {
        return new OpsSnapshot(at, error, null, Map.of(), null, Map.of(), Estimates.none(), sampledBy);
    }

    public boolean hasData() {
        return error == null;
    }
}
