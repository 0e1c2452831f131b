package com.koomy.ops;

import com.koomy.email.EmailStatus;
import com.koomy.stripe.events.StripeEventStatus;
import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Counting without scanning (issue 23): with thousands of terminal rows and a handful of open ones, the
 * sampler's counts are exact for the open states, come from an index (V34's partial indexes; JobRunr's
 * index on state), never from a sequential scan of the table, and the terminal totals are estimates
 * from the planner's statistics.
 */
class OpsCountsDaoTest {

    private static final int TERMINAL = 6_000;

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @BeforeAll
    static void seed() {
        db.jdbi().useHandle(h -> h.execute("CREATE SCHEMA IF NOT EXISTS jobrunr"));
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(db.url() + "?currentSchema=jobrunr");
        dataSource.setUser(TestDatabase.user());
        dataSource.setPassword(TestDatabase.password());
        SqlStorageProviderFactory.using(dataSource); // JobRunr creates its tables, as a worker's first start does
        db.jdbi().useHandle(h -> {
            h.execute("""
                    INSERT INTO stripe_events (event_id, type, livemode, stripe_created, payload, received_at, status)
                    SELECT 'evt_' || i, 'invoice.paid', false, now(), '{}', now() - i * interval '1 minute',
                           CASE WHEN i <= 3 THEN 'received' WHEN i <= 5 THEN 'failed' WHEN i <= 6 THEN 'refused'
                                WHEN i <= 1006 THEN 'ignored' ELSE 'processed' END
                      FROM generate_series(1, ?) i""", TERMINAL + 6);
            h.execute("""
                    INSERT INTO emails (id, idempotency_key, template, locale, recipients, status, subject)
                    SELECT gen_random_uuid(), 'k' || i, 'welcome', 'fr', '[]',
                           CASE WHEN i <= 4 THEN 'queued' WHEN i <= 5 THEN 'sending' WHEN i <= 7 THEN 'failed' ELSE 'sent' END, 'Hello'
                      FROM generate_series(1, ?) i""", TERMINAL + 7);
            h.execute("""
                    INSERT INTO jobrunr.jobrunr_jobs (id, version, jobAsJson, jobSignature, state, createdAt, updatedAt)
                    SELECT gen_random_uuid()::text, 1, '{}', 'com.koomy.Some.job()',
                           CASE WHEN i <= 2 THEN 'ENQUEUED' WHEN i <= 3 THEN 'PROCESSING' WHEN i <= 5 THEN 'FAILED' ELSE 'SUCCEEDED' END,
                           ?, ?
                      FROM generate_series(1, ?) i""", Timestamp.from(Instant.now()), Timestamp.from(Instant.now()), TERMINAL + 5);
            // As autovacuum would have: statistics for the planner and the estimates, visibility for index-only scans.
            h.execute("VACUUM ANALYZE stripe_events");
            h.execute("VACUUM ANALYZE emails");
            h.execute("VACUUM ANALYZE jobrunr.jobrunr_jobs");
        });
    }

    private static Jdbi jdbi() {
        return db.jdbi();
    }

    @Test
    void countsTheOpenStatesExactlyAndNothingElse() {
        OpsCountsDao dao = jdbi().onDemand(OpsCountsDao.class);
        assertThat(dao.stripeEventsByStatus()).isEqualTo(Map.of("received", 3L, "failed", 2L, "refused", 1L));
        assertThat(dao.emailsByStatus()).isEqualTo(Map.of("queued", 4L, "sending", 1L, "failed", 2L));
        assertThat(dao.jobsByState()).isEqualTo(Map.of("ENQUEUED", 2L, "PROCESSING", 1L, "FAILED", 2L));
        assertThat(dao.stripeEventsFailingSince(OffsetDateTime.now(ZoneOffset.UTC).minusHours(1))).isEqualTo(3);
    }

    @Test
    void estimatesTheTerminalTotalsFromThePlannersStatistics() {
        OpsCountsDao dao = jdbi().onDemand(OpsCountsDao.class);
        Map<String, Long> stripe = dao.estimatedByValue("stripe_events", "status");
        assertThat(stripe.get("processed")).isBetween(4_500L, 5_500L);
        assertThat(stripe.get("ignored")).isBetween(700L, 1_300L);
        assertThat(dao.estimatedByValue("emails", "status").get("sent")).isBetween(5_500L, 6_500L);
        assertThat(dao.estimatedByValue("jobrunr.jobrunr_jobs", "state").get("SUCCEEDED")).isBetween(5_500L, 6_500L);
        assertThat(dao.estimatedByValue("no_such_table", "status")).isEmpty();
    }

    /** The lists of open states and V34's predicates cover every status the code knows, once. */
    @Test
    void theOpenAndTerminalStatesPartitionTheEnums() {
        assertThat(OpsCountsDao.OPEN_STRIPE_STATUSES).doesNotHaveDuplicates()
                .isSubsetOf(Arrays.stream(StripeEventStatus.values()).map(Enum::name).toList());
        assertThat(OpsCountsDao.OPEN_EMAIL_STATUSES).doesNotHaveDuplicates()
                .isSubsetOf(Arrays.stream(EmailStatus.values()).map(Enum::name).toList());
        assertThat(Stream.concat(OpsCountsDao.OPEN_JOB_STATES.stream(), OpsCountsDao.TERMINAL_JOB_STATES.stream()))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(org.jobrunr.jobs.states.StateName.values()).map(Enum::name).toList());
    }

    @Test
    void theOpenCountsReadAnIndexNotTheTable() {
        assertThat(plan("/* OpsCountsDao.stripeEventsByStatus */ " + sql("stripeEventsByStatus")))
                .contains("stripe_events_open_idx").doesNotContain("Seq Scan");
        assertThat(plan(sql("stripeEventsFailingSince").replace(":since", "now() - interval '1 hour'")))
                .contains("stripe_events_open_idx").doesNotContain("Seq Scan");
        assertThat(plan(sql("emailsByStatus"))).contains("emails_open_idx").doesNotContain("Seq Scan");
        assertThat(plan(sql("jobsByState"))).containsPattern("Index (Only )?Scan|Bitmap Index Scan").doesNotContain("Seq Scan");
        // The old query, for contrast: the plan this test would catch.
        assertThat(plan("SELECT status, count(*) FROM stripe_events GROUP BY status")).contains("Seq Scan on stripe_events");
    }

    private static String sql(String method) {
        try {
            return Arrays.stream(OpsCountsDao.class.getMethods()).filter(m -> m.getName().equals(method)).findFirst().orElseThrow()
                    .getAnnotation(org.jdbi.v3.sqlobject.statement.SqlQuery.class).value();
        } catch (RuntimeException e) {
            throw new AssertionError(method, e);
        }
    }

    private static String plan(String query) {
        List<String> lines = jdbi().withHandle((Handle h) -> h.createQuery("EXPLAIN " + query).mapTo(String.class).list());
        return String.join("\n", lines);
    }
}
