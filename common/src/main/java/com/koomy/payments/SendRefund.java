package com.koomy.payments;

import org.jobrunr.jobs.lambdas.JobRequest;
import org.jobrunr.jobs.lambdas.JobRequestHandler;

import java.util.UUID;

/**
 * Asks Stripe for a refund no manager waits for ({@link PaymentRefunds#send}): the payment of an archived
 * community. Enqueued through the outbox (kind {@value PaymentRefunds#SEND_KIND}); safe to run twice (a refund
 * Stripe answered is not asked again, and the idempotency key names the refund).
 */
public record SendRefund(UUID refundId) implements JobRequest {

    @Override
    public Class<Handler> getJobRequestHandler() {
        return Handler.class;
    }

    public static class Handler implements JobRequestHandler<SendRefund> {

        private final PaymentRefunds refunds;

        public Handler(PaymentRefunds refunds) {
            this.refunds = refunds;
        }

        @Override
        public void run(SendRefund request) {
            refunds.send(request.refundId());
        }
    }
}
