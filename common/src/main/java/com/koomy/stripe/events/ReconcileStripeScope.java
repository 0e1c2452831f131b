package com.koomy.stripe.events;

import org.jobrunr.jobs.lambdas.JobRequest;
import org.jobrunr.jobs.lambdas.JobRequestHandler;

/**
 * One scope's reconciliation ({@code platform} or a connected account): the events Stripe could not deliver since
 * that scope's cursor. Queued by {@link StripeReconcileFanOut}; a failure fails this scope's job only.
 */
public record ReconcileStripeScope(String scope) implements JobRequest {

    @Override
    public Class<Handler> getJobRequestHandler() {
        return Handler.class;
    }

    public static class Handler implements JobRequestHandler<ReconcileStripeScope> {
        private final StripeReconciler reconciler;

        public Handler(StripeReconciler reconciler) {
            this.reconciler = reconciler;
        }

        @Override
        public void run(ReconcileStripeScope request) {
            reconciler.catchUp(request.scope());
        }
    }
}
