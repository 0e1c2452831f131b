package com.koomy.stripe.events;

import com.codahale.metrics.MetricRegistry;
import com.koomy.config.StripeFactory;
import com.koomy.db.KoomyDatabase;
import com.koomy.jobs.JobIds;
import com.koomy.stripe.StripeGateway;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestRedis;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.jobs.states.ScheduledState;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.StorageProviderUtils.DatabaseOptions;
import org.jobrunr.storage.sql.common.DatabaseCreator;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.jobrunr.utils.mapper.JsonMapperFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recurring reconciliation's fan-out against JobRunr's real storage on PostgreSQL: one job per scope, at a
 * stable offset within the interval; never a second job for a scope whose job has not run yet.
 */
class StripeReconcileFanOutTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static final Duration INTERVAL = Duration.ofMinutes(10);
    private static final int ACCOUNTS = 40;
    private static StorageProvider storage;
    private static StripeReconciler reconciler;
    private static final List<String> accounts = new ArrayList<>();

    @BeforeAll
    static void jobRunrStorageAndAccounts() throws Exception {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(db.url());
        dataSource.setUser(TestDatabase.user());
        dataSource.setPassword(TestDatabase.password());
        db.jdbi().useHandle(h -> h.execute("CREATE SCHEMA IF NOT EXISTS " + KoomyDatabase.JOBRUNR_SCHEMA));
        String prefix = KoomyDatabase.JOBRUNR_SCHEMA + ".";
        new DatabaseCreator(dataSource, prefix, PostgresStorageProvider.class).runMigrations();
        storage = SqlStorageProviderFactory.using(dataSource, prefix, DatabaseOptions.SKIP_CREATE);
        storage.setJobMapper(new JobMapper(JsonMapperFactory.createJsonMapper()));

        for (int i = 0; i < ACCOUNTS; i++) {
            UUID community = UUID.randomUUID();
            String account = String.format("acct_1Fan%012d", i);
            db.jdbi().useHandle(h -> {
                h.execute("INSERT INTO communities (id, name, slug) VALUES (?, 'Club fan-out', ?)", community, "fan-" + community);
                h.execute("INSERT INTO stripe_connect_accounts (community_id, account_id) VALUES (?, ?)", community, account);
            });
            accounts.add(account);
        }
        StripeFactory stripe = new StripeFactory();
        stripe.setApiKey("sk_test_fanout");
        reconciler = new StripeReconciler(db.jdbi(), new StripeGateway(stripe, TestRedis.client(), TestRedis.newKeys(),
                new MetricRegistry()), Duration.ofHours(1));
    }

    private static StripeReconcileFanOut fanOut(Instant now) {
        return new StripeReconcileFanOut(db.jdbi(), reconciler, () -> new JobRequestScheduler(storage), INTERVAL,
                Clock.fixed(now, ZoneOffset.UTC));
    }

    private static UUID jobId(String scope, Instant now) {
        return JobIds.of(StripeReconcileFanOut.JOB_KIND, scope + "@" + now.getEpochSecond() / INTERVAL.toSeconds());
    }

    private static long scopeJobs() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM jobrunr.jobrunr_jobs WHERE jobSignature LIKE :s")
                .bind("s", "%ReconcileStripeScope%").mapTo(Long.class).one());
    }

    /** One test: the steps share the database (the scopes' queued marks are the state under test). */
    @Test
    void oneJobPerScopeSpreadOverTheIntervalAndNeverTwoWaiting() {
        List<String> scopes = new ArrayList<>(List.of(StripeReconciler.PLATFORM));
        scopes.addAll(accounts);
        // The marks carry the database's time: the fan-outs' clocks start from now.
        Instant t0 = Instant.now();

        StripeReconcileFanOut.Result first = fanOut(t0).fanOut();
        assertThat(first).isEqualTo(new StripeReconcileFanOut.Result(ACCOUNTS + 1, ACCOUNTS + 1, 0));
        assertThat(scopeJobs()).isEqualTo(ACCOUNTS + 1);
        var seconds = new HashSet<Long>();
        for (String scope : scopes) {
            Job job = storage.getJobById(jobId(scope, t0));
            assertThat(job.getState()).isEqualTo(StateName.SCHEDULED);
            assertThat(job.getJobName()).isEqualTo("Reconcile the Stripe events of " + scope);
            assertThat(job.getAmountOfRetries()).isEqualTo(2);
            Instant at = job.<ScheduledState>getJobState().getScheduledAt();
            assertThat(at).isEqualTo(t0.plus(StripeReconcileFanOut.offset(scope, INTERVAL)));
            assertThat(at).isBetween(t0, t0.plus(INTERVAL).minusSeconds(1));
            seconds.add(at.getEpochSecond());
        }
        // Spread, not bunched: 41 scopes over 600 seconds land on (nearly) as many different seconds.
        assertThat(seconds.size()).isGreaterThan(ACCOUNTS * 3 / 4);

        // Run again in the same slot (a second worker, a retried fan-out), and in the next slot while no job ran
        // yet (a backlog): nothing more is queued.
        assertThat(fanOut(t0.plusSeconds(30)).fanOut().queued()).isZero();
        assertThat(fanOut(t0.plus(INTERVAL)).fanOut()).isEqualTo(new StripeReconcileFanOut.Result(ACCOUNTS + 1, 0, ACCOUNTS + 1));
        assertThat(scopeJobs()).isEqualTo(ACCOUNTS + 1);

        // Two scopes' jobs ran (one found nothing: its cursor stays where it was): only those get the next slot's job.
        db.jdbi().useExtension(StripeReconcileCursorDao.class, dao -> {
            dao.advance(accounts.get(3), Instant.parse("2026-12-06T03:55:00Z"), 1);
            dao.advance(StripeReconciler.PLATFORM, Instant.parse("2026-12-06T03:00:00Z"), 0);
        });
        Instant t2 = t0.plus(INTERVAL.multipliedBy(2)).minusSeconds(10);
        assertThat(fanOut(t2).fanOut().queued()).isEqualTo(2);
        assertThat(storage.getJobById(jobId(accounts.get(3), t2)).getState()).isEqualTo(StateName.SCHEDULED);
        assertThat(storage.getJobById(jobId(StripeReconciler.PLATFORM, t2)).getState()).isEqualTo(StateName.SCHEDULED);
        assertThat(scopeJobs()).isEqualTo(ACCOUNTS + 3);
        assertThat(cursor(accounts.get(3))).contains(Instant.parse("2026-12-06T03:55:00Z"));
        assertThat(cursor(accounts.get(4))).isEmpty();

        // A job that failed for good (or was deleted) never ran: its scope is due again two intervals after its mark.
        Instant later = t0.plus(INTERVAL.multipliedBy(2)).plusSeconds(60);
        assertThat(fanOut(later).fanOut().queued()).isEqualTo(ACCOUNTS + 1);
        assertThat(storage.getJobById(jobId(accounts.get(4), later)).getState()).isEqualTo(StateName.SCHEDULED);
    }

    private static java.util.Optional<Instant> cursor(String scope) {
        return db.jdbi().withExtension(StripeReconcileCursorDao.class, dao -> dao.lastCreated(scope));
    }

    @Test
    void theOffsetIsStableAndWithinTheInterval() {
        for (String scope : accounts) {
            Duration offset = StripeReconcileFanOut.offset(scope, INTERVAL);
            assertThat(offset).isEqualTo(StripeReconcileFanOut.offset(scope, INTERVAL)).isBetween(Duration.ZERO, INTERVAL.minusSeconds(1));
        }
    }
}
