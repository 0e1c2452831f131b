package com.koomy.api.ops;

import com.koomy.api.stats.JobSummary;
import com.koomy.api.stats.PoolStats;
import com.koomy.api.stats.RequestSummary;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.Map;

/** The body of {@code GET /api/ops/stats}: requests and jobs over the window, pools, queues, counts, the JVM. */
public record OpsStats(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String generatedAt,
                       @Schema(requiredMode = Schema.RequiredMode.REQUIRED) int minutes,
                       @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Requests requests,
                       @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Jobs jobs,
                       @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Pools pools,
                       @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Webhooks webhooks,
                       @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Emails emails,
                       @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String countsSampledAt,
                       @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                               description = "the API instance whose queries gave the counts (one for the cluster)") String countsSampledBy,
                       @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                               description = "where this instance got them: the lease holder's snapshot, or sampled here and why") String countsSource,
                       @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Estimates estimated,
                       @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Jvm jvm,
                       @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Cache cache) {

    /** {@code scope}: cluster or instance; {@code degraded}: why the cluster view fell back to this instance, else null. */
    public record Requests(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String scope, String degraded,
                           @Schema(requiredMode = Schema.RequiredMode.REQUIRED) RequestSummary summary) {
    }

    /** {@code queue}: JobRunr's queue as last sampled ({@code OpsSnapshot.Jobs}), or {@link QueueError} when that sample failed. */
    public record Jobs(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) JobSummary summary,
                       @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                               description = "JobRunr's queue as last sampled: {tablesExist, byState, oldestEnqueuedAgeSeconds, failedRecently, "
                                       + "liveServers}, or {error} when that sample failed") Object queue) {
    }

    /** Why the last sample of the queue has no data. */
    public record QueueError(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String error) {
    }

    public record Pools(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) Map<String, PoolStats.PoolReading> database,
                        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) PoolStats.PoolReading redis) {
    }

    /**
     * Terminal totals, never counted (issue 23): estimates from the planner's statistics, {@code method} says how.
     * A value too rare to be among a column's most common values is absent.
     */
    public record Estimates(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String method,
                           @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Map<String, Long> jobsByState,
                           @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Map<String, Long> stripeByStatus,
                           @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Map<String, Long> emailsByStatus) {
    }

    /**
     * Stripe events by non-terminal status (exact); {@code stripeFailingLastHour} is a string: "null" when the
     * last sample has no data.
     */
    public record Webhooks(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) Map<String, Long> stripeByStatus,
                           @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String stripeFailingLastHour) {
    }

    /** Emails by non-terminal status (exact). */
    public record Emails(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) Map<String, Long> byStatus) {
    }

    /** {@code heapUsedRatio} is null when the heap has no maximum; {@code gc} is per collector. */
    public record Jvm(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) long heapUsedBytes,
                      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) long heapMaxBytes, Double heapUsedRatio,
                      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Map<String, Gc> gc) {
    }

    public record Gc(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) long count,
                     @Schema(requiredMode = Schema.RequiredMode.REQUIRED) long timeMs) {
    }

    public record Cache(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String note) {
    }
}
