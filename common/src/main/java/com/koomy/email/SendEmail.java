package com.koomy.email;

import org.jobrunr.jobs.lambdas.JobRequest;

import java.util.UUID;

/** The job "deliver this email": only its id, the job reloads the row. */
public record SendEmail(UUID emailId) implements JobRequest {

    @Override
    public Class<SendEmailJob> getJobRequestHandler() {
        return SendEmailJob.class;
    }
}
