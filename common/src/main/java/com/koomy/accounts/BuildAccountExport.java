package com.koomy.accounts;

import org.jobrunr.jobs.lambdas.JobRequest;

import java.util.UUID;

/** The job "build the archive of this data export": only its id, the job reloads the rest. */
public record BuildAccountExport(UUID exportId) implements JobRequest {

    @Override
    public Class<BuildAccountExportJob> getJobRequestHandler() {
        return BuildAccountExportJob.class;
    }
}
