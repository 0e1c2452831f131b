package com.koomy.webhooks;

import org.jdbi.v3.core.Handle;

import java.util.Optional;

/**
 * The three statements on the webhook hot path (store on receipt; lock and settle when applying),
 * written with Jdbi's fluent API rather than as {@link StripeEventDao} methods: creating a SqlObject
 * per request cost more CPU than the statements themselves (profiled under ops/bench/webhooks).
 */
public final class StripeEventWrites {

    private static final StripeEventMapper MAPPER = new StripeEventMapper();

    private static final String STORE_IF_ABSENT = """
            WITH stored AS (
                INSERT INTO stripe_events (event_id, type, livemode, account, api_version, stripe_created, payload)
                VALUES (:eventId, :type, :livemode, :account, :apiVersion, :created, CAST(:payload AS jsonb))
                ON CONFLICT (event_id) DO NOTHING
                RETURNING event_id)
            INSERT INTO outbox (kind, ref)
            SELECT '%s', event_id FROM stored
            RETURNING true
            """.formatted(StripeEvent.OUTBOX_KIND);

    private static final String LOCK_UNSETTLED = """
            SELECT * FROM stripe_events
             WHERE event_id = :eventId AND status IN ('received', 'processing', 'failed')
               FOR UPDATE
            """;

    private static final String SETTLE = """
            UPDATE stripe_events
               SET status = :status, attempts = attempts + 1, processed_at = now(), last_error = NULL
             WHERE event_id = :eventId
            """;

    private static final String REFUSE = """
            UPDATE stripe_events
               SET status = 'refused', attempts = attempts + 1, processed_at = now(), last_error = :reason
             WHERE event_id = :eventId
            """;

    private StripeEventWrites() {
    }

    /**
     * Stores the event if it is new and, in the same statement (hence the same transaction), puts
     * its processing in the outbox. Returns false for a redelivery: nothing is written then.
     */
    public static boolean storeIfAbsent(Handle handle, IncomingStripeEvent event) {
        return handle.createQuery(STORE_IF_ABSENT)
                .bind("eventId", event.eventId())
                .bind("type", event.type())
                .bind("livemode", event.livemode())
                .bind("account", event.account())
                .bind("apiVersion", event.apiVersion())
                .bind("created", event.created())
                .bind("payload", event.payload())
                .mapTo(Boolean.class)
                .findOne()
                .isPresent();
    }

    /**
     * Locks an event that still needs applying, for the rest of the caller's transaction. Returns
     * nothing when it is already settled (processed or ignored): a previous run finished the work.
     * A concurrent run of the same event waits on the lock, then finds it settled.
     */
    public static Optional<StripeEvent> lockUnsettled(Handle handle, String eventId) {
        return handle.createQuery(LOCK_UNSETTLED).bind("eventId", eventId).map(MAPPER).findOne();
    }

    /** Settles an event that must never be applied, keeping the reason for operators. */
    public static void refuse(Handle handle, String eventId, String reason) {
        handle.createUpdate(REFUSE).bind("eventId", eventId).bind("reason", reason).execute();
    }

    /** The successful attempt: one row version for the whole success path. */
    public static void settle(Handle handle, String eventId, StripeEventStatus status) {
        handle.createUpdate(SETTLE).bind("eventId", eventId).bind("status", status.name()).execute();
    }
}
