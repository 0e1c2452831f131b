package com.koomy.worker.stripe;

import com.koomy.webhooks.ApplyStripeEvent;
import com.koomy.webhooks.ApplyStripeEventJob;
import com.koomy.webhooks.ApplyStripeEvents;
import com.koomy.webhooks.ApplyStripeEventsJob;
import com.koomy.stripe.events.StripeEvent;
import com.koomy.stripe.events.StripeEventFailureFilter;
import com.koomy.stripe.events.StripeEventHandlers;
import com.koomy.stripe.events.StripeEventReplays;
import com.koomy.worker.jobs.JobsFactory;
import com.koomy.worker.jobs.OutboxRoutes;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.filters.JobFilter;
import org.jobrunr.scheduling.JobBuilder;

import java.util.Map;

/**
 * Received Stripe events, applied by their handlers: one job per up to {@code jobs.stripeEventBatch}
 * received events, one per replayed event; a job that gives up marks its events failed.
 */
public final class StripeEventsWorker {

    private final Jdbi jdbi;
    private final ApplyStripeEventJob applyOne;
    private final ApplyStripeEventsJob applyMany;

    public StripeEventsWorker(Jdbi jdbi, StripeEventHandlers handlers, boolean livemode) {
        this.jdbi = jdbi;
        this.applyOne = new ApplyStripeEventJob(jdbi, handlers, livemode);
        this.applyMany = new ApplyStripeEventsJob(jdbi, handlers, livemode, applyOne);
    }

    public Map<Class<?>, Object> jobs() {
        return Map.of(ApplyStripeEventJob.class, applyOne, ApplyStripeEventsJob.class, applyMany);
    }

    public JobFilter failureFilter() {
        return new StripeEventFailureFilter(jdbi);
    }

    public void routes(OutboxRoutes routes, JobsFactory jobs) {
        routes.routeInBatches(StripeEvent.RECEIVED_OUTBOX_KIND, jobs.getStripeEventBatch(), eventIds -> JobBuilder.aJob()
                        .withName(eventIds.size() == 1 ? "Apply received Stripe events: " + eventIds.get(0)
                                : "Apply " + eventIds.size() + " received Stripe events: " + eventIds.get(0) + " …")
                        .withAmountOfRetries(jobs.getStripeEventRetries())
                        .withJobRequest(new ApplyStripeEvents(eventIds)))
                .route(StripeEvent.OUTBOX_KIND, ref -> JobBuilder.aJob()
                        .withName("Apply Stripe event " + ref.replace("#", " (") + (ref.contains("#") ? ")" : ""))
                        .withAmountOfRetries(jobs.getStripeEventRetries())
                        .withJobRequest(new ApplyStripeEvent(StripeEventReplays.eventId(ref))));
    }
}
