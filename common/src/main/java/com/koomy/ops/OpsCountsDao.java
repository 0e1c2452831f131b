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
 * <p>Counting without scanning (issue 23): the counts by state cover the non-terminal states only
 * ({@link #OPEN_JOB_STATES}, {@link #OPEN_STRIPE_STATUSES}, {@link #OPEN_EMAIL_STATUSES}), each read
 * from an index holding those rows (V34's partial indexes; JobRunr's index on state), never by a scan
 * of tables that keep every event and email ever. Terminal totals are {@link #estimatedByValue estimates}
 * from the planner's statistics. The IN lists in the SQL repeat V34's index predicates word for word:
 * the planner uses a partial index only for a query whose predicate implies the index's.
 *
 * <p>JobRunr writes its timestamps as TIMESTAMP without zone through JDBC ({@code Timestamp.from(instant)}),
 * so cut-offs are bound and results read back as {@link Timestamp} the same way.
 */
public interface OpsCountsDao {

    List<String> OPEN_JOB_STATES = List.of("AWAITING", "SCHEDULED", "ENQUEUED", "PROCESSING", "FAILED");
    /** JobRunr's terminal states: estimated, never counted. */
    List<String> TERMINAL_JOB_STATES = List.of("SUCCEEDED", "DELETED");
    List<String> OPEN_STRIPE_STATUSES = List.of("received", "processing", "failed", "refused");
    List<String> OPEN_EMAIL_STATUSES = List.of("queued", "sending", "failed");

    @SqlQuery("SELECT to_regclass('jobrunr.jobrunr_jobs') IS NOT NULL AND to_regclass('jobrunr.jobrunr_backgroundjobservers') IS NOT NULL")
    boolean jobTablesExist();

    /** Jobs by non-terminal state ({@link #OPEN_JOB_STATES}); a state without jobs is absent. */
    @SqlQuery("""
            SELECT state, count(*) AS n FROM jobrunr.jobrunr_jobs
             WHERE state IN ('AWAITING', 'SCHEDULED', 'ENQUEUED', 'PROCESSING', 'FAILED')
             GROUP BY state
            """)
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

    /** Stripe events by non-terminal status ({@link #OPEN_STRIPE_STATUSES}), from stripe_events_open_idx. */
    @SqlQuery("""
            SELECT status, count(*) AS n FROM stripe_events
             WHERE status IN ('received', 'processing', 'failed', 'refused')
             GROUP BY status
            """)
    @KeyColumn("status") @ValueColumn("n")
    Map<String, Long> stripeEventsByStatus();

    /**
     * Stripe events received since a time whose processing failed: finally ({@code failed}), with a
     * retry pending ({@code processing}), or refused as not ours to apply ({@code refused}: an operator
     * must look). The table keeps no failure time, so receipt time stands in.
     */
    @SqlQuery("SELECT count(*) FROM stripe_events WHERE status IN ('failed', 'processing', 'refused') AND received_at >= :since")
    long stripeEventsFailingSince(@Bind("since") java.time.OffsetDateTime since);

    /** Emails by non-terminal status ({@link #OPEN_EMAIL_STATUSES}), from emails_open_idx. */
    @SqlQuery("""
            SELECT status, count(*) AS n FROM emails
             WHERE status IN ('queued', 'sending', 'failed')
             GROUP BY status
            """)
    @KeyColumn("status") @ValueColumn("n")
    Map<String, Long> emailsByStatus();

    /**
     * An estimate of the rows of {@code table} per value of {@code column}, from the planner's statistics
     * (pg_class.reltuples times the value's frequency among pg_stats' most common values): no row is read,
     * and the figures are as fresh as the table's last ANALYZE (autovacuum's). A value too rare to be among
     * the most common ones, or a table never analyzed, is absent. {@code table} as to_regclass reads it.
     */
    @SqlQuery("""
            SELECT v.value, greatest(round(c.reltuples * v.freq), 0)::bigint AS n
              FROM pg_class c
              JOIN pg_namespace ns ON ns.oid = c.relnamespace
              JOIN pg_stats s ON s.schemaname = ns.nspname AND s.tablename = c.relname AND s.attname = :column
             CROSS JOIN LATERAL unnest(s.most_common_vals::text::text[], s.most_common_freqs) AS v(value, freq)
             WHERE c.oid = to_regclass(:table)
            """)
    @KeyColumn("value") @ValueColumn("n")
    Map<String, Long> estimatedByValue(@Bind("table") String table, @Bind("column") String column);
}
