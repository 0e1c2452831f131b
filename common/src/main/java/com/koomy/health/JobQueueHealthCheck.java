package com.koomy.health;

import com.codahale.metrics.health.HealthCheck;
import org.jdbi.v3.core.Jdbi;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

/**
 * The job queue is served: at least one JobRunr background job server has sent a heartbeat
 * recently (read from JobRunr's server table in schema jobrunr, so any process can tell), with the count of failed
 * jobs for the operator. Failed jobs alone do not make it unhealthy: the alerts issue watches their
 * growth.
 */
public class JobQueueHealthCheck extends HealthCheck {

    private static final String SERVERS = "SELECT lastHeartbeat FROM jobrunr.jobrunr_backgroundjobservers WHERE running = 1";
    private static final String FAILED = "SELECT count(*) FROM jobrunr.jobrunr_jobs WHERE state = 'FAILED'";

    private final Jdbi jdbi;
    private final Duration maxHeartbeatAge;

    public JobQueueHealthCheck(Jdbi jdbi, Duration maxHeartbeatAge) {
        this.jdbi = jdbi;
        this.maxHeartbeatAge = maxHeartbeatAge;
    }

    @Override
    protected Result check() {
        return jdbi.withHandle(h -> {
            boolean tablesExist = h.createQuery("SELECT to_regclass('jobrunr.jobrunr_backgroundjobservers') IS NOT NULL")
                    .mapTo(Boolean.class).one();
            if (!tablesExist) {
                return Result.unhealthy("no background job server has ever started (JobRunr tables missing)");
            }
            Instant cutoff = Instant.now().minus(maxHeartbeatAge);
            // JobRunr writes heartbeats as TIMESTAMP without zone through JDBC: read them back the same way.
            long alive = h.createQuery(SERVERS).mapTo(Timestamp.class).stream()
                    .filter(ts -> ts.toInstant().isAfter(cutoff)).count();
            long failed = h.createQuery(FAILED).mapTo(Long.class).one();
            HealthCheck.ResultBuilder builder = alive > 0 ? Result.builder().healthy() : Result.builder().unhealthy();
            return builder
                    .withMessage(alive > 0 ? alive + " background job server(s) alive"
                            : "no background job server alive in the last " + maxHeartbeatAge.toSeconds() + " s")
                    .withDetail("liveServers", alive)
                    .withDetail("failedJobs", failed)
                    .build();
        });
    }
}
