package com.koomy.ops;

import org.jdbi.v3.sqlobject.config.KeyColumn;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.config.ValueColumn;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

/**
 * Read-only counts for the operators' statistics and alerts: JobRunr's tables (schema jobrunr) and
 * our status columns. JobRunr 8 can publish its own metrics only through Micrometer; we run Dropwizard
 * metrics, so we read its tables instead, which also makes the figures the same from every process.
 *
 * <p>JobRunr writes its timestamps as TIMESTAMP without zone through JDBC ({@code Timestamp.from(instant)}),
 * so cut-offs are bound and results read back as {@link Timestamp} the same way.
 */
public interface OpsCountsDao {

    @SqlQuery("SELECT to_regclass('jobrunr.jobrunr_jobs') IS NOT NULL AND to_regclass('jobrunr.jobrunr_backgroundjobservers') IS NOT NULL")
    boolean jobTablesExist();

    @SqlQuery("SELECT state, count(*) AS n FROM jobrunr.jobrunr_jobs GROUP BY state")
    @KeyColumn("state") @ValueColumn("n")
    Map<String, Long> jobsByState();

    /** When the longest-waiting job entered ENQUEUED (JobRunr sets updatedAt on every state change); null: none. */
    @SqlQuery("SELECT min(updatedAt) FROM jobrunr.jobrunr_jobs WHERE state = 'ENQUEUED'")
    Timestamp oldestEnqueued();

    @SqlQuery("SELECT count(*) FROM jobrunr.jobrunr_jobs WHERE state = 'FAILED' AND updatedAt >= :since")
    long jobsFailedSince(@Bind("since") Timestamp since);

    @SqlQuery("SELECT lastHeartbeat FROM jobrunr.jobrunr_backgroundjobservers WHERE running = 1")
    List<Timestamp> serverHeartbeats();

    record MinuteCount(Timestamp minute, String state, long n) {
    }

    /** Jobs that ended (SUCCEEDED or, retries exhausted, FAILED) per minute since a time. */
    @SqlQuery("""
            SELECT date_trunc('minute', updatedAt) AS minute, state, count(*) AS n
              FROM jobrunr.jobrunr_jobs
             WHERE state IN ('SUCCEEDED', 'FAILED') AND updatedAt >= :since
             GROUP BY 1, 2
            """)
    @RegisterConstructorMapper(MinuteCount.class)
    List<MinuteCount> jobsEndedPerMinute(@Bind("since") Timestamp since);

    record TypeCount(String jobSignature, String state, long n) {
    }

    @SqlQuery("""
            SELECT jobSignature AS job_signature, state, count(*) AS n
              FROM jobrunr.jobrunr_jobs
             WHERE state IN ('ENQUEUED', 'PROCESSING', 'SCHEDULED', 'AWAITING')
                OR (state IN ('SUCCEEDED', 'FAILED') AND updatedAt >= :since)
             GROUP BY 1, 2
            """)
    @RegisterConstructorMapper(TypeCount.class)
    List<TypeCount> jobsByType(@Bind("since") Timestamp since);

    record JobDuration(String jobSignature, String processDuration) {
    }

    /**
     * How long each job that succeeded since a time ran: JobRunr's SUCCEEDED state, the last of its
     * history, carries {@code processDuration}. Capped: percentiles over the newest ones are enough.
     */
    @SqlQuery("""
            SELECT jobSignature AS job_signature,
                   (jobAsJson::jsonb -> 'jobHistory' -> -1 ->> 'processDuration') AS process_duration
              FROM jobrunr.jobrunr_jobs
             WHERE state = 'SUCCEEDED' AND updatedAt >= :since
             ORDER BY updatedAt DESC
             LIMIT :limit
            """)
    @RegisterConstructorMapper(JobDuration.class)
    List<JobDuration> jobDurationsSince(@Bind("since") Timestamp since, @Bind("limit") int limit);

    @SqlQuery("SELECT status, count(*) AS n FROM stripe_events GROUP BY status")
    @KeyColumn("status") @ValueColumn("n")
    Map<String, Long> stripeEventsByStatus();

    /**
     * Stripe events received since a time whose processing failed: finally ({@code failed}), with a
     * retry pending ({@code processing}), or refused as not ours to apply ({@code refused}: an operator
     * must look). The table keeps no failure time, so receipt time stands in.
     */
    @SqlQuery("SELECT count(*) FROM stripe_events WHERE status IN ('failed', 'processing', 'refused') AND received_at >= :since")
    long stripeEventsFailingSince(@Bind("since") java.time.OffsetDateTime since);

    @SqlQuery("SELECT status, count(*) AS n FROM emails GROUP BY status")
    @KeyColumn("status") @ValueColumn("n")
    Map<String, Long> emailsByStatus();
}
