package com.koomy.communities;

import com.koomy.billing.Subscriptions;
import com.koomy.stripe.StripeGateway;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.lambdas.JobRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Makes a community's plan (its Stripe subscription) follow its archive: archived, the subscription stops
 * renewing ({@code cancel_at_period_end=true}; the period paid for is not refunded); unarchived, it renews
 * again. Enqueued through the outbox by {@link CommunityLife} (kind {@value CommunityLife#PLAN_SYNC_KIND}).
 * It reads the community's state when it runs, so running it twice, or late, sets the same thing; the
 * idempotency key names the state's instant, so archiving again after an unarchive is a new request. The
 * subscription's row follows through Stripe's customer.subscription.updated event (BillingEvents).
 */
public record SyncArchivedPlan(UUID communityId) implements JobRequest {

    @Override
    public Class<Handler> getJobRequestHandler() {
        return Handler.class;
    }

    public static class Handler extends ArchiveStripeHandler<SyncArchivedPlan> {

        private static final Logger LOG = LoggerFactory.getLogger(SyncArchivedPlan.class);

        public Handler(Jdbi jdbi, StripeGateway stripe) {
            super(jdbi, stripe);
        }

        @Override
        public void run(SyncArchivedPlan request) {
            UUID id = request.communityId();
            Optional<CommunityLifeDao.PlanState> state = read(dao -> dao.planState(id));
            if (state.isEmpty() || state.get().subscriptionId() == null || !Subscriptions.isLive(state.get().status())) {
                LOG.info("Community {}: no live subscription, nothing to change at Stripe", id);
                return;
            }
            boolean archived = state.get().archivedAt() != null;
            Instant since = archived ? state.get().archivedAt() : state.get().updatedAt();
            stripe.post("/v1/subscriptions/" + state.get().subscriptionId(),
                    Map.of("cancel_at_period_end", Boolean.toString(archived)),
                    "community-plan-archive:" + id + ":" + archived + ":" + since.toEpochMilli(), null);
            LOG.info("Community {} {}: subscription {} set to cancel_at_period_end={}", id,
                    archived ? "archived" : "unarchived", state.get().subscriptionId(), archived);
        }
    }
}
