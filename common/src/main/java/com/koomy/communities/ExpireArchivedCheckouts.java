package com.koomy.communities;

import com.koomy.errors.ApiException;
import com.koomy.stripe.StripeGateway;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.lambdas.JobRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Expires at Stripe the dues Checkout sessions of a community that were still open when it was archived, so
 * that none can be paid afterwards ({@code POST /v1/checkout/sessions/{id}/expire} on the connected account,
 * through {@link StripeGateway}, the one way out to Stripe). Enqueued through the outbox by {@link CommunityLife}
 * (kind {@value CommunityLife#CHECKOUTS_EXPIRE_KIND}). Reads the state when it runs: nothing to do once the
 * community is unarchived; a session Stripe says is already complete or expired is left (a payment that got
 * through is refunded when its event arrives: PaymentRefunds.refundIfArchived). Safe to run twice: the
 * idempotency key names the session.
 */
public record ExpireArchivedCheckouts(UUID communityId) implements JobRequest {

    /** A session lives this long (DuesCheckouts.SESSION_SECONDS) plus a margin for clocks. */
    static final long OPEN_SECONDS = 3600 + 300;

    @Override
    public Class<Handler> getJobRequestHandler() {
        return Handler.class;
    }

    public static class Handler extends ArchiveStripeHandler<ExpireArchivedCheckouts> {

        private static final Logger LOG = LoggerFactory.getLogger(ExpireArchivedCheckouts.class);

        public Handler(Jdbi jdbi, StripeGateway stripe) {
            super(jdbi, stripe);
        }

        @Override
        public void run(ExpireArchivedCheckouts request) {
            UUID id = request.communityId();
            List<CommunityLifeDao.OpenCheckout> open = read(dao -> dao.openCheckoutsIfArchived(id, OPEN_SECONDS));
            for (CommunityLifeDao.OpenCheckout session : open) {
                try {
                    stripe.post("/v1/checkout/sessions/" + session.sessionId() + "/expire", Map.of(),
                            "checkout-expire:" + session.sessionId(), session.stripeAccount());
                    LOG.info("Community {} archived: Checkout session {} expired", id, session.sessionId());
                } catch (ApiException e) {
                    if (!"stripe_error".equals(e.code())) {
                        throw e; // Stripe unavailable or busy: JobRunr retries the whole job (each call is idempotent)
                    }
                    LOG.info("Community {} archived: Checkout session {} not expired ({}): already complete or expired",
                            id, session.sessionId(), e.getMessage());
                }
            }
        }
    }
}
