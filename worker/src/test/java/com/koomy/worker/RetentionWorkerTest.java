package com.koomy.worker;

import com.koomy.db.KoomyDatabase;
import com.koomy.retention.ApplyRetention;
import com.koomy.retention.RetentionFamily;
import com.koomy.testing.TestDatabase;
import com.koomy.worker.retention.FailedJobsRetention;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.JobDetails;
import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.jobs.states.FailedState;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;
import org.jobrunr.utils.mapper.JsonMapperFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker wiring of retention: one recurring job per table family under its stable id (what the dashboard
 * lists), and JobRunr's failed jobs older than the policy moved to JobRunr's deleted state, younger ones left.
 */
class RetentionWorkerTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<WorkerConfiguration> app = WorkerTestApp.on(db);

    @Test
    void everyFamilyIsARecurringJobUnderItsStableId() {
        List<String> ids = db.jdbi().withHandle(h -> h.createQuery("SELECT trim(id) FROM jobrunr.jobrunr_recurring_jobs")
                .mapTo(String.class).list());
        assertThat(ids).containsAll(Arrays.stream(RetentionFamily.values()).map(RetentionFamily::recurringId).toList());
        String json = db.jdbi().withHandle(h -> h.createQuery("SELECT jobasjson FROM jobrunr.jobrunr_recurring_jobs WHERE trim(id) = :id")
                .bind("id", RetentionFamily.STRIPE_EVENTS.recurringId()).mapTo(String.class).one());
        assertThat(json).contains("Retention: delete settled Stripe events older than 90 days");
        String payments = db.jdbi().withHandle(h -> h.createQuery("SELECT jobasjson FROM jobrunr.jobrunr_recurring_jobs WHERE trim(id) = :id")
                .bind("id", RetentionFamily.PAYMENTS.recurringId()).mapTo(String.class).one());
        assertThat(payments).contains("Retention: delete payments with their receipts and refunds "
                + "(counted from the end of their last year) older than 3653 days");
    }

    @Test
    void failedJobsOlderThanThePolicyGoToJobRunrsDeletedStateAndYoungerOnesStay() {
        StorageProvider storage = jobStorage();
        List<Job> failed = List.of(failedJob(), failedJob(), failedJob());
        storage.save(failed);
        UUID young = failed.get(2).getId();
        db.jdbi().useHandle(h -> h.execute("UPDATE jobrunr.jobrunr_jobs SET updatedAt = updatedAt - interval '40 days' "
                + "WHERE id IN (?, ?)", failed.get(0).getId().toString(), failed.get(1).getId().toString()));

        new FailedJobsRetention(() -> storage).run(Instant.now().minus(Duration.ofDays(30)), 5000);

        assertThat(storage.getJobById(failed.get(0).getId()).getState()).isEqualTo(StateName.DELETED);
        assertThat(storage.getJobById(failed.get(1).getId()).getState()).isEqualTo(StateName.DELETED);
        assertThat(storage.getJobById(young).getState()).isEqualTo(StateName.FAILED);
    }

    private static Job failedJob() {
        return new Job(new JobDetails(new ApplyRetention(RetentionFamily.FAILED_JOBS)),
                new FailedState("test: a job that failed", new IllegalStateException("boom")));
    }

    private static StorageProvider jobStorage() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(db.url());
        dataSource.setUser(TestDatabase.user());
        dataSource.setPassword(TestDatabase.password());
        dataSource.setCurrentSchema(KoomyDatabase.JOBRUNR_SCHEMA);
        StorageProvider storage = SqlStorageProviderFactory.using(dataSource);
        storage.setJobMapper(new JobMapper(JsonMapperFactory.createJsonMapper()));
        return storage;
    }
}
