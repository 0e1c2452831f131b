package com.koomy.email;

import org.jobrunr.jobs.lambdas.JobRequest;

import java.util.UUID;

/** The job "split this newsletter into batches of at most 1,000 recipients". */
public record FanOutNewsletter(UUID newsletterId) implements JobRequest {

    @Override
    public Class<FanOutNewsletterJob> getJobRequestHandler() {
        return FanOutNewsletterJob.class;
    }
}
