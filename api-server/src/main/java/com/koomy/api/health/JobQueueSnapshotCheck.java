package com.koomy.api.health;

import com.codahale.metrics.health.HealthCheck;
import com.koomy.api.stats.OpsSampler;
import com.koomy.api.stats.OpsSnapshot;

/**
 * The API's {@code jobs} check: at least one JobRunr background job server sent a heartbeat recently, read
 * from the ops sampler's last snapshot (issue 23) rather than from the database on each probe, so probes
 * cost no query and every instance reports the figures of the cluster's one sampler. Same verdict and
 * details as the worker's {@link com.koomy.health.JobQueueHealthCheck}, plus when and by whom the figures
 * were sampled. Failed jobs alone do not make it unhealthy: the alerts watch their growth.
 */
public class JobQueueSnapshotCheck extends HealthCheck {

    private final OpsSampler sampler;

    public JobQueueSnapshotCheck(OpsSampler sampler) {
        this.sampler = sampler;
    }

    @Override
    protected Result check() {
        OpsSnapshot snapshot = sampler.last();
        if (!snapshot.hasData()) {
            return Result.builder().unhealthy().withMessage("job queue unknown: " + snapshot.error())
                    .withDetail("sampledAt", snapshot.at().toString()).build();
        }
        OpsSnapshot.Jobs jobs = snapshot.jobs();
        if (!jobs.tablesExist()) {
            return Result.builder().unhealthy().withMessage("no background job server has ever started (JobRunr tables missing)")
                    .withDetail("sampledAt", snapshot.at().toString())
                    .withDetail("sampledBy", String.valueOf(snapshot.sampledBy())).build();
        }
        long alive = jobs.liveServers();
        ResultBuilder builder = alive > 0 ? Result.builder().healthy() : Result.builder().unhealthy();
        return builder
                .withMessage(alive > 0 ? alive + " background job server(s) alive"
                        : "no background job server alive (heartbeats older than the limit)")
                .withDetail("liveServers", alive)
                .withDetail("failedJobs", jobs.byState().getOrDefault("FAILED", 0L))
                .withDetail("sampledAt", snapshot.at().toString())
                .withDetail("sampledBy", String.valueOf(snapshot.sampledBy()))
                .build();
    }
}
