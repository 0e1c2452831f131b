package com.koomy.webhooks;

import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.Optional;

@RegisterRowMapper(StripeEventMapper.class)
public interface StripeEventDao {

    /**
     * Stores the event if it is new and, in the same statement (hence the same transaction), puts
     * its processing in the outbox. Returns false for a redelivery: nothing is written then.
     */
    @SqlQuery("""
            WITH stored AS (
                INSERT INTO stripe_events (event_id, type, livemode, account, api_version, stripe_created, payload)
                VALUES (:eventId, :type, :livemode, :account, :apiVersion, :created, CAST(:payload AS jsonb))
                ON CONFLICT (event_id) DO NOTHING
                RETURNING event_id)
            INSERT INTO outbox (kind, ref)
            SELECT 'stripe_event', event_id FROM stored
            RETURNING true
            """)
    Optional<Boolean> storeIfAbsent(@BindMethods IncomingStripeEvent event);

    @SqlQuery("SELECT * FROM stripe_events WHERE event_id = :eventId")
    Optional<StripeEvent> find(@Bind("eventId") String eventId);

    /**
     * Locks an event that still needs applying, for the rest of the caller's transaction. Returns
     * nothing when it is already settled (processed or ignored): a previous run finished the work.
     * A concurrent run of the same event waits on the lock, then finds it settled.
     */
    @SqlQuery("""
            SELECT * FROM stripe_events
             WHERE event_id = :eventId AND status IN ('received', 'processing', 'failed')
               FOR UPDATE
            """)
    Optional<StripeEvent> lockUnsettled(@Bind("eventId") String eventId);

    @SqlUpdate("""
            UPDATE stripe_events
               SET status = :status, attempts = attempts + 1, processed_at = now(), last_error = NULL
             WHERE event_id = :eventId
            """)
    /** The successful attempt: one row version for the whole success path. */
    void settle(@Bind("eventId") String eventId, @Bind("status") StripeEventStatus status);

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
