package com.koomy.worker.retention;

import com.koomy.retention.RetentionBatch;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.navigation.AmountRequest;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * JobRunr's failed jobs, which JobRunr itself keeps forever: those failed before the cutoff go to JobRunr's
 * {@code DELETED} state through its own storage API (as the dashboard's delete button does), and JobRunr
 * removes them for good {@code jobs.permanentlyDeleteDeletedAfter} later. What they were about stays in our
 * tables (a failed Stripe event or email row keeps its status and error, and can be replayed from there).
 */
public class FailedJobsRetention implements RetentionBatch {

    /** JobRunr reads and rewrites each job's JSON: smaller batches than the SQL families'. */
    static final int MAX_BATCH = 500;

    private final Supplier<StorageProvider> storage;

    public FailedJobsRetention(Supplier<StorageProvider> storage) {
        this.storage = storage;
    }

    @Override
    public int run(Instant cutoff, int limit) {
        StorageProvider provider = storage.get();
        if (provider == null) {
            throw new IllegalStateException("JobRunr's storage is not started");
        }
        int size = Math.min(limit, MAX_BATCH);
        List<Job> failed = provider.getJobList(StateName.FAILED, cutoff, new AmountRequest("updatedAt:ASC", size));
        failed.forEach(job -> job.delete("retention: failed before " + cutoff));
        provider.save(failed);
        // A full JobRunr batch is a full batch for the caller's loop.
        return failed.size() == size ? limit : failed.size();
    }
}
