package com.koomy.webhooks;

import org.jobrunr.jobs.lambdas.JobRequest;

import java.util.List;

/**
 * The job "apply these received Stripe events": the relay groups the events received since its last
 * pass into jobs of this kind, so that a burst costs one JobRunr job and one transaction per batch
 * rather than per event. Only the ids; the job reloads the rest.
 */
public record ApplyStripeEvents(List<String> eventIds) implements JobRequest {

    @Override
    public Class<ApplyStripeEventsJob> getJobRequestHandler() {
        return ApplyStripeEventsJob.class;
    }
}
