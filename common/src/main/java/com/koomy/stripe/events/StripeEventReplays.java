package com.koomy.stripe.events;

import com.koomy.jobs.OutboxDao;
import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.util.Optional;

/**
 * An operator re-runs a {@code failed} event (retries exhausted, cause since fixed) or a {@code refused}
 * one (say, an account mapping that was wrong): it goes back to {@code received} with a new outbox row
 * whose ref carries a suffix, because JobRunr still holds the first job's id and would skip a job with
 * the same one. The job applies it exactly as the first time: the handlers' unique constraints still
 * hold, so a replay never applies twice what was applied once.
 */
public class StripeEventReplays {

    private final Jdbi jdbi;

    public StripeEventReplays(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public enum Outcome { REPLAYED, NOT_FOUND, NOT_REPLAYABLE, NO_JSON_PAYLOAD }

    public Outcome replay(String eventId) {
        return jdbi.inTransaction(handle -> {
            StripeEventDao events = handle.attach(StripeEventDao.class);
            Optional<String> status = events.lockReplayStatus(eventId);
            if (status.isEmpty()) {
                return Outcome.NOT_FOUND;
            }
            if (status.get().equals("no_payload")) {
                // Only its raw text is stored (jsonb refused it even cleaned): there is nothing to apply.
                return Outcome.NO_JSON_PAYLOAD;
            }
            if (!List.of(StripeEventStatus.failed.name(), StripeEventStatus.refused.name()).contains(status.get())) {
                return Outcome.NOT_REPLAYABLE;
            }
            events.markReceived(eventId);
            handle.attach(OutboxDao.class).add(StripeEvent.OUTBOX_KIND, eventId + "#replay-" + System.currentTimeMillis());
            return Outcome.REPLAYED;
        });
    }

    /** The event id of an outbox ref: {@code evt_...} or {@code evt_...#<why it was queued again>}. */
    public static String eventId(String outboxRef) {
        int hash = outboxRef.indexOf('#');
        return hash < 0 ? outboxRef : outboxRef.substring(0, hash);
    }
}
