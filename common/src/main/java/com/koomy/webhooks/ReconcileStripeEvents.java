package com.koomy.webhooks;

import com.koomy.stripe.events.StripeReconciler;
import org.jobrunr.jobs.lambdas.JobRequest;
import org.jobrunr.jobs.lambdas.JobRequestHandler;

/** The recurring job "ingest the Stripe events Stripe could not deliver" (stable id {@value #RECURRING_ID}). */
public record ReconcileStripeEvents() implements JobRequest {

    public static final String RECURRING_ID = "stripe-reconciliation";

    @Override
    public Class<Handler> getJobRequestHandler() {
        return Handler.class;
    }

    public static class Handler implements JobRequestHandler<ReconcileStripeEvents> {
        private final StripeReconciler reconciler;

        public Handler(StripeReconciler reconciler) {
            this.reconciler = reconciler;
        }

        @Override
        public void run(ReconcileStripeEvents request) {
            reconciler.catchUp();
        }
    }
}
