package com.koomy.stripe.events;

import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.Optional;

/** Stripe event reads and failure bookkeeping; the hot-path writes are in {@link StripeEventWrites}. */
@RegisterRowMapper(StripeEventMapper.class)
public interface StripeEventDao {

    @SqlQuery("SELECT * FROM stripe_events WHERE event_id = :eventId")
    Optional<StripeEvent> find(@Bind("eventId") String eventId);

    /** Records an attempt whose transaction rolled back: it still counts, and its error is kept. */
    @SqlUpdate("""
            UPDATE stripe_events SET status = 'processing', attempts = attempts + 1, last_error = :error
             WHERE event_id = :eventId AND status IN ('received', 'processing', 'failed')
            """)
    void recordFailedAttempt(@Bind("eventId") String eventId, @Bind("error") String error);

    @SqlUpdate("""
            UPDATE stripe_events SET status = 'failed', last_error = coalesce(:error, last_error)
             WHERE event_id = :eventId AND status IN ('received', 'processing')
            """)
    void markFailed(@Bind("eventId") String eventId, @Bind("error") String error);
}
