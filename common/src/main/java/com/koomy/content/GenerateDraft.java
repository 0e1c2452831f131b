package com.koomy.content;

import org.jobrunr.jobs.lambdas.JobRequest;

import java.util.UUID;

/** The job "generate this AI draft": only its id, the job reloads the rest. */
public record GenerateDraft(UUID draftId) implements JobRequest {

    @Override
    public Class<GenerateDraftJob> getJobRequestHandler() {
        return GenerateDraftJob.class;
    }
}
