package com.koomy.webhooks;

import com.koomy.stripe.events.StripeEvent;
import com.koomy.stripe.events.StripeEventDao;
import com.koomy.stripe.events.StripeEventHandler;
import com.koomy.stripe.events.StripeEventHandlers;
import com.koomy.stripe.events.StripeEventRefusedException;
import com.koomy.stripe.events.StripeEventStatus;
import com.koomy.stripe.events.StripeEventWrites;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Applies one stored Stripe event. Idempotent: the handler's writes and the mark {@code processed}
 * commit in one transaction holding the event's row lock, so a second run (a retry, a duplicate job,
 * a worker killed mid-way and its job re-run) finds the event settled and does nothing.
 */
public class ApplyStripeEventJob implements JobRequestHandler<ApplyStripeEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(ApplyStripeEventJob.class);

    private final Jdbi jdbi;
    private final StripeEventHandlers handlers;
    /** Events whose livemode differs are refused; null accepts both (tests of the plumbing). */
    private final Boolean livemode;

    public ApplyStripeEventJob(Jdbi jdbi, StripeEventHandlers handlers) {
        this(jdbi, handlers, null);
    }

    public ApplyStripeEventJob(Jdbi jdbi, StripeEventHandlers handlers, Boolean livemode) {
        this.jdbi = jdbi;
        this.handlers = handlers;
        this.livemode = livemode;
    }

    /** Name and retries are set where the job is built (the worker's outbox routes). */
    @Override
    public void run(ApplyStripeEvent request) throws Exception {
        apply(request.eventId());
    }

    private static void refuse(org.jdbi.v3.core.Handle handle, String eventId, String reason) {
        LOG.error("Stripe event {} refused, not applied: {}", eventId, reason);
        StripeEventWrites.refuse(handle, eventId, reason);
    }

    public void apply(String eventId) throws Exception {
        boolean applied;
        try {
            // One transaction, one commit, one new row version: lock the event, apply it, settle it.
            applied = jdbi.inTransaction(handle -> {
                // Not waiting for this commit's WAL flush is safe: if a crash loses it, JobRunr's later
                // SUCCEEDED write (WAL is replayed in order) is lost too, and the job runs again.
                handle.execute("SET LOCAL synchronous_commit = off");
                Optional<StripeEvent> event = StripeEventWrites.lockUnsettled(handle, eventId);
                if (event.isEmpty()) {
                    return false;
                }
                Optional<StripeEventHandler> handler = handlers.forType(event.get().type());
                if (handler.isPresent() && livemode != null && event.get().livemode() != livemode) {
                    refuse(handle, eventId, "livemode " + event.get().livemode() + " but this platform runs with livemode " + livemode);
                } else if (handler.isPresent()) {
                    // A refusal undoes whatever the handler wrote before it, and only that.
                    handle.savepoint("handler");
                    try {
                        handler.get().apply(handle, event.get());
                        StripeEventWrites.settle(handle, eventId, StripeEventStatus.processed);
                    } catch (StripeEventRefusedException refused) {
                        handle.rollbackToSavepoint("handler");
                        refuse(handle, eventId, refused.getMessage());
                    }
                } else {
                    StripeEventWrites.settle(handle, eventId, StripeEventStatus.ignored);
                }
                return true;
            });
        } catch (Exception e) {
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            try {
                jdbi.useExtension(StripeEventDao.class, dao -> dao.recordFailedAttempt(eventId, error));
            } catch (RuntimeException bookkeeping) {
                e.addSuppressed(bookkeeping);
            }
            throw e;
        }
        if (!applied) {
            StripeEvent existing = jdbi.withExtension(StripeEventDao.class, dao -> dao.find(eventId))
                    .orElseThrow(() -> new IllegalStateException("Stripe event " + eventId + " is not stored"));
            LOG.info("Stripe event {} already {}, nothing to do", eventId, existing.status());
        }
    }
}
