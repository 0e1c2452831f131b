package com.koomy.webhooks;

import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.filters.JobServerFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When JobRunr gives up on an event's job (retries exhausted), mark the event {@code failed} so that
 * it shows in {@code stripe_events} as well as on the dashboard. Requeueing the job from the
 * dashboard runs it again: the job accepts failed events.
 */
public class StripeEventFailureFilter implements JobServerFilter {

    private static final Logger LOG = LoggerFactory.getLogger(StripeEventFailureFilter.class);

    private final Jdbi jdbi;

    public StripeEventFailureFilter(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void onFailedAfterRetries(Job job) {
        if (job.getJobDetails().getJobParameters().isEmpty()
                || !(job.getJobDetails().getJobParameters().get(0).getObject() instanceof ApplyStripeEvent request)) {
            return;
        }
        String eventId = request.eventId();
        LOG.error("Stripe event {} failed and has no retries left; replay it from the dashboard once the cause is fixed", eventId);
        jdbi.useExtension(StripeEventDao.class, dao -> dao.markFailed(eventId, null));
    }
}
