package com.koomy.webhooks;

import com.koomy.jobs.OutboxDao;
import com.koomy.stripe.events.StripeEvent;
import com.koomy.stripe.events.StripeEventHandler;
import com.koomy.stripe.events.StripeEventHandlers;
import com.koomy.stripe.events.StripeEventRefusedException;
import com.koomy.stripe.events.StripeEventStatus;
import com.koomy.stripe.events.StripeEventWrites;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies a batch of received Stripe events. The usual case takes one transaction: lock the batch's
 * unsettled events, run each one's handler, settle them all, commit. The handlers' writes and the
 * marks commit together, so a second run (a duplicate job, a worker killed mid-way) finds the events
 * settled and does nothing.
 * <p>
 * When anything in that transaction fails (a handler throws or refuses an event, a livemode mismatch,
 * a deadlock) it rolls back whole and each event is applied on its own by {@link ApplyStripeEventJob},
 * exactly as a single event would be. An event that fails there too is counted and handed to a job of
 * its own (outbox kind {@link StripeEvent#OUTBOX_KIND}, ref {@code evt_...#retry}) with JobRunr's
 * retries and backoff; it shows on the dashboard under its own name and ends {@code failed} when
 * they run out. If even that hand-over cannot be written, the batch job fails and JobRunr retries it.
 */
public class ApplyStripeEventsJob implements JobRequestHandler<ApplyStripeEvents> {

    private static final Logger LOG = LoggerFactory.getLogger(ApplyStripeEventsJob.class);

    /** Thrown inside the batch transaction to roll it back and apply its events one by one. */
    private static final class OneByOne extends RuntimeException {
        OneByOne(String message) {
            super(message, null, false, false);
        }
    }

    private final Jdbi jdbi;
    private final StripeEventHandlers handlers;
    private final Boolean livemode;
    private final ApplyStripeEventJob single;

    public ApplyStripeEventsJob(Jdbi jdbi, StripeEventHandlers handlers, Boolean livemode, ApplyStripeEventJob single) {
        this.jdbi = jdbi;
        this.handlers = handlers;
        this.livemode = livemode;
        this.single = single;
    }

    @Override
    public void run(ApplyStripeEvents request) throws Exception {
        apply(request.eventIds());
    }

    public void apply(List<String> eventIds) throws Exception {
        try {
            applyTogether(eventIds);
            return;
        } catch (Exception e) {
            LOG.info("Batch of {} Stripe events not applied together ({}); applying them one by one",
                    eventIds.size(), e instanceof OneByOne ? e.getMessage() : e.toString());
        }
        for (String eventId : eventIds) {
            try {
                single.apply(eventId);
            } catch (Exception e) {
                LOG.warn("Stripe event {} failed ({}); it goes on in a job of its own with retries", eventId, e.toString());
                jdbi.useExtension(OutboxDao.class, dao -> dao.add(StripeEvent.OUTBOX_KIND, eventId + "#retry"));
            }
        }
    }

    private void applyTogether(List<String> eventIds) throws Exception {
        jdbi.useTransaction(handle -> {
            // As for one event (ApplyStripeEventJob): a commit lost in a crash is lost with the job's
            // SUCCEEDED state written after it, and the job runs again.
            handle.execute("SET LOCAL synchronous_commit = off");
            List<StripeEvent> events = StripeEventWrites.lockAllUnsettled(handle, eventIds);
            List<String> ids = new ArrayList<>(events.size());
            List<StripeEventStatus> statuses = new ArrayList<>(events.size());
            for (StripeEvent event : events) {
                Optional<StripeEventHandler> handler = handlers.forType(event.type());
                if (handler.isPresent()) {
                    if (livemode != null && event.livemode() != livemode) {
                        throw new OneByOne("event " + event.eventId() + " has livemode " + event.livemode());
                    }
                    try {
                        handler.get().apply(handle, event);
                    } catch (StripeEventRefusedException refused) {
                        throw new OneByOne("event " + event.eventId() + " refused: " + refused.getMessage());
                    }
                }
                ids.add(event.eventId());
                statuses.add(handler.isPresent() ? StripeEventStatus.processed : StripeEventStatus.ignored);
            }
            if (!ids.isEmpty()) {
                StripeEventWrites.settleAll(handle, ids, statuses);
            }
        });
    }
}
