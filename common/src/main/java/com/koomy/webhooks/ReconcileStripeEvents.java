package com.koomy.webhooks;

import com.koomy.stripe.events.StripeReconcileFanOut;
import org.jobrunr.jobs.lambdas.JobRequest;
import org.jobrunr.jobs.lambdas.JobRequestHandler;

/**
 * The recurring job "ingest the Stripe events Stripe could not deliver" (stable id {@value #RECURRING_ID}): a
 * cheap fan-out that queues one job per scope spread over the interval ({@link StripeReconcileFanOut}).
 */
public record ReconcileStripeEvents() implements JobRequest {

    public static final String RECURRING_ID = "stripe-reconciliation";

    @Override
    public Class<Handler> getJobRequestHandler() {
        return Handler.class;
    }

    public static class Handler implements JobRequestHandler<ReconcileStripeEvents> {
        private final StripeReconcileFanOut fanOut;

        public Handler(StripeReconcileFanOut fanOut) {
            this.fanOut = fanOut;
        }

        @Override
        public void run(ReconcileStripeEvents request) {
            fanOut.fanOut();
        }
    }
}
