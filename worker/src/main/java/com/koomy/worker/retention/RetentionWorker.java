package com.koomy.worker.retention;

import com.codahale.metrics.MetricRegistry;
import com.koomy.config.RetentionFactory;
import com.koomy.retention.ApplyRetention;
import com.koomy.retention.ApplyRetentionJob;
import com.koomy.retention.RetentionBatch;
import com.koomy.retention.RetentionFamily;
import com.koomy.retention.SqlRetention;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.scheduling.RecurringJobBuilder;
import org.jobrunr.storage.StorageProvider;

import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Data retention (issue 23): one recurring job per table family, under a stable id, visible on the dashboard;
 * docs/operations.md, "Data retention". Succeeded jobs and deleted jobs are JobRunr's own housekeeping
 * ({@code jobs.deleteSucceededAfter}, {@code jobs.permanentlyDeleteDeletedAfter}).
 */
public final class RetentionWorker {

    private final RetentionFactory config;
    private final ApplyRetentionJob job;

    public RetentionWorker(RetentionFactory config, Jdbi jdbi, Supplier<StorageProvider> jobStorage, MetricRegistry metrics) {
        this.config = config;
        Map<RetentionFamily, RetentionBatch> batches = SqlRetention.batches(jdbi);
        batches.put(RetentionFamily.FAILED_JOBS, new FailedJobsRetention(jobStorage));
        this.job = new ApplyRetentionJob(batches, config, Clock.systemUTC(), metrics);
    }

    public Map<Class<?>, Object> jobs() {
        return Map.of(ApplyRetentionJob.class, job);
    }

    /** Registered at every start (updated in place); removed when retention is turned off. */
    public Managed recurringJobs(Supplier<JobRequestScheduler> scheduler) {
        return new Managed() {
            @Override
            public void start() {
                for (RetentionFamily family : RetentionFamily.values()) {
                    if (!config.isEnabled()) {
                        scheduler.get().deleteRecurringJob(family.recurringId());
                        continue;
                    }
                    scheduler.get().createRecurrently(RecurringJobBuilder.aRecurringJob()
                            .withId(family.recurringId())
                            .withName("Retention: delete " + family.description() + " older than "
                                    + family.keep(config).toDays() + " days")
                            .withAmountOfRetries(2)
                            .withInterval(config.getEvery().toJavaDuration())
                            .withJobRequest(new ApplyRetention(family)));
                }
            }
        };
    }
}
