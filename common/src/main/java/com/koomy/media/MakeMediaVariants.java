package com.koomy.media;

import org.jobrunr.jobs.lambdas.JobRequest;

import java.util.UUID;

/** The job "make the medium and thumbnail sizes of this image": only its id, the job reloads the rest. */
public record MakeMediaVariants(UUID mediaId) implements JobRequest {

    @Override
    public Class<MakeMediaVariantsJob> getJobRequestHandler() {
        return MakeMediaVariantsJob.class;
    }
}
