package com.koomy.retention;

import org.jobrunr.jobs.lambdas.JobRequest;

/** The recurring job "delete (or purge) what {@code family} keeps no longer", in batches. */
public record ApplyRetention(RetentionFamily family) implements JobRequest {

    @Override
    public Class<ApplyRetentionJob> getJobRequestHandler() {
        return ApplyRetentionJob.class;
    }
}
