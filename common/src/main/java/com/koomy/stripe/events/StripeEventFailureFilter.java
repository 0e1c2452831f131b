package com.koomy.stripe.events;

import com.koomy.webhooks.ApplyStripeEvent;
import com.koomy.webhooks.ApplyStripeEvents;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.filters.JobServerFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * When JobRunr gives up on an event's job or a batch's (retries exhausted), mark the events not yet
 * settled {@code failed} so that they show in {@code stripe_events} as well as on the dashboard.
 * Requeueing the job from the dashboard runs it again: both jobs accept failed events.
 */
public class StripeEventFailureFilter implements JobServerFilter {

    private static final Logger LOG = LoggerFactory.getLogger(StripeEventFailureFilter.class);

    private final Jdbi jdbi;

    public StripeEventFailureFilter(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void onFailedAfterRetries(Job job) {
        if (job.getJobDetails().getJobParameters().isEmpty()) {
            return;
        }
        Object request = job.getJobDetails().getJobParameters().get(0).getObject();
        List<String> eventIds;
        if (request instanceof ApplyStripeEvent one) {
            eventIds = List.of(one.eventId());
        } else if (request instanceof ApplyStripeEvents batch) {
            eventIds = batch.eventIds();
        } else {
            return;
        }
        LOG.error("Stripe event(s) {} failed and have no retries left; replay from the dashboard once the cause is fixed",
                eventIds.size() == 1 ? eventIds.get(0) : eventIds.size() + " of job " + job.getId());
        // Settled ones are left as they are: markFailed touches only received/processing events.
        jdbi.useExtension(StripeEventDao.class, dao -> eventIds.forEach(id -> dao.markFailed(id, null)));
    }
}
