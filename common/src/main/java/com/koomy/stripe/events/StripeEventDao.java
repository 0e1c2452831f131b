package com.koomy.stripe.events;

import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;

/** Stripe event reads, replays and failure bookkeeping; the hot-path statements are in {@link StripeEventWrites}. */
@RegisterRowMapper(StripeEventMapper.class)
public interface StripeEventDao {

    @SqlQuery("SELECT * FROM stripe_events WHERE event_id = :eventId")
    Optional<StripeEvent> find(@Bind("eventId") String eventId);

    /** The operators' list: events of one status, newest first. */
    @SqlQuery("SELECT * FROM stripe_events WHERE status = :status ORDER BY received_at DESC LIMIT :limit")
    List<StripeEvent> byStatus(@Bind("status") String status, @Bind("limit") int limit);

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

    /** Locks the event for a replay; its status, or {@code no_payload} when only its raw text is stored. */
    @SqlQuery("""
            SELECT CASE WHEN payload IS NULL THEN 'no_payload' ELSE status END
              FROM stripe_events WHERE event_id = :eventId FOR UPDATE
            """)
    Optional<String> lockReplayStatus(@Bind("eventId") String eventId);

    /** An event reconciliation stored (the webhook never brought it). */
    @SqlUpdate("UPDATE stripe_events SET source = 'reconciliation' WHERE event_id = :eventId")
    void markReconciled(@Bind("eventId") String eventId);

    @SqlUpdate("UPDATE stripe_events SET status = 'received' WHERE event_id = :eventId")
    void markReceived(@Bind("eventId") String eventId);

    /** An event whose payload jsonb refused: {@code failed}, no outbox row ({@link StripeEventRefusals#store}). */
    @SqlUpdate("""
            INSERT INTO stripe_events (event_id, type, livemode, account, api_version, stripe_created, payload, raw_payload,
                                       status, last_error, source)
            VALUES (:e.eventId, :e.type, :e.livemode, :e.account, :e.apiVersion, :e.created, CAST(:payload AS jsonb),
                    :e.payload, 'failed', :reason, :source)
            ON CONFLICT (event_id) DO NOTHING
            """)
    boolean insertRefused(@BindMethods("e") IncomingStripeEvent event, @Bind("payload") String payload,
                          @Bind("reason") String reason, @Bind("source") String source);
}
