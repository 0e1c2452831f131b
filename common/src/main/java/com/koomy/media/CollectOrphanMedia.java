package com.koomy.media;

import org.jobrunr.jobs.lambdas.JobRequest;

/** The recurring job "delete images and blobs released longer ago than the grace period". */
public record CollectOrphanMedia() implements JobRequest {

    /** Stable id of the recurring job, so every worker start registers the same one. */
    public static final String RECURRING_ID = "media-orphan-collection";

    @Override
    public Class<CollectOrphanMediaJob> getJobRequestHandler() {
        return CollectOrphanMediaJob.class;
    }
}
