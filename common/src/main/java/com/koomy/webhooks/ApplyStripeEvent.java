package com.koomy.webhooks;

import org.jobrunr.jobs.lambdas.JobRequest;

/**
 * The job "apply this Stripe event": only its id, the job reloads the rest. A JobRequest rather than
 * a lambda, because JobRunr analyses a lambda's bytecode for every job it creates, which cost more
 * CPU than the job itself at thousands of events a second.
 */
public record ApplyStripeEvent(String eventId) implements JobRequest {

    @Override
    public Class<ApplyStripeEventJob> getJobRequestHandler() {
        return ApplyStripeEventJob.class;
    }
}
