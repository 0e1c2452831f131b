package com.koomy.stripe.events;

import com.koomy.jobs.OutboxDao;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The statements on the webhook hot path (store on receipt; lock and settle when applying, one event or many),
 * the measured exception to "SQL objects" (docs/architecture.md, "Data access"): written with Jdbi's fluent
 * API, and the new events' outbox rows in the storing statement ({@link OutboxDao#queueFrom}). Measured by
 * {@code StripeEventWritesBench} (common tests; 400 calls each, medians of the calling thread's CPU, Jdbi
 * 3.55, on a loaded 2-core machine): store 1 event 274 µs fluent against 1,020 µs as SQL objects with
 * {@code OutboxDao.addAll} in a transaction (store 32: 381 against 1,054); apply 1 (lock, settle) 326 against
 * 714; apply 32 660 against 909. Wall medians: store 1 11.5 ms against 27.0 ms, store 32 25.1 against 38.7.
 */
public final class StripeEventWrites {

    private static final StripeEventMapper MAPPER = new StripeEventMapper();

    /** Most events {@link #storeAllIfAbsent} takes at once (7 parameters each, far below PostgreSQL's 32,767). */
    public static final int MAX_BATCH = 1000;

    /**
     * Many events in one statement (the API's group commit): each new one stored with its outbox row,
     * redeliveries skipped. A VALUES list of plain parameters: binding the payloads as one text[] made
     * the driver escape every character into a single array literal, which cost more CPU than the rest
     * of the request. One statement text per batch size, built once.
     */
    private static final String[] STORE_ALL_BY_SIZE = new String[MAX_BATCH + 1];

    private static String storeAllIfAbsentSql(int n) {
        String sql = STORE_ALL_BY_SIZE[n];
        if (sql == null) {
            StringBuilder values = new StringBuilder(n * 36);
            for (int i = 0; i < n; i++) {
                values.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, CAST(? AS jsonb))");
            }
            sql = """
                    WITH stored AS (
                        INSERT INTO stripe_events (event_id, type, livemode, account, api_version, stripe_created, payload)
                        VALUES %s
                        ON CONFLICT (event_id) DO NOTHING
                        RETURNING event_id),
                    %s
                    SELECT event_id FROM stored
                    """.formatted(values, OutboxDao.queueFrom("stored", "event_id", StripeEvent.RECEIVED_OUTBOX_KIND));
            STORE_ALL_BY_SIZE[n] = sql;
        }
        return sql;
    }

    private static final String LOCK_UNSETTLED = """
            SELECT * FROM stripe_events
             WHERE event_id = :eventId AND status IN ('received', 'processing', 'failed')
               FOR UPDATE
            """;

    /** Ordered by id: two batches sharing events lock them in the same order, so they cannot deadlock. */
    private static final String LOCK_ALL_UNSETTLED = """
            SELECT * FROM stripe_events
             WHERE event_id = ANY(CAST(:eventIds AS text[])) AND status IN ('received', 'processing', 'failed')
             ORDER BY event_id
               FOR UPDATE
            """;

    private static final String SETTLE_ALL = """
            UPDATE stripe_events e
               SET status = s.status, attempts = e.attempts + 1, processed_at = now(), last_error = NULL
              FROM unnest(CAST(:eventIds AS text[]), CAST(:statuses AS text[])) AS s(event_id, status)
             WHERE e.event_id = s.event_id
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
        return storeAllIfAbsent(handle, List.of(event)).contains(event.eventId());
    }

    /**
     * Stores the new events among {@code events} (their ids must be distinct), each with its outbox
     * row, in one statement: all or none. Returns the ids that were new; the others were redeliveries.
     */
    public static Set<String> storeAllIfAbsent(Handle handle, List<IncomingStripeEvent> events) {
        int n = events.size();
        if (n > MAX_BATCH) {
            throw new IllegalArgumentException("at most " + MAX_BATCH + " events per statement, not " + n);
        }
        Query query = handle.createQuery(storeAllIfAbsentSql(n));
        int p = 0;
        for (IncomingStripeEvent event : events) {
            query.bind(p++, event.eventId())
                    .bind(p++, event.type())
                    .bind(p++, event.livemode())
                    .bind(p++, event.account())
                    .bind(p++, event.apiVersion())
                    .bind(p++, event.created())
                    .bind(p++, event.payload());
        }
        return query.mapTo(String.class).collect(Collectors.toSet());
    }

    /**
     * Locks an event that still needs applying, for the rest of the caller's transaction. Returns
     * nothing when it is already settled (processed or ignored): a previous run finished the work.
     * A concurrent run of the same event waits on the lock, then finds it settled.
     */
    public static Optional<StripeEvent> lockUnsettled(Handle handle, String eventId) {
        return handle.createQuery(LOCK_UNSETTLED).bind("eventId", eventId).map(MAPPER).findOne();
    }

    /** {@link #lockUnsettled} for many events at once; settled and unknown ids are left out. */
    public static List<StripeEvent> lockAllUnsettled(Handle handle, List<String> eventIds) {
        return handle.createQuery(LOCK_ALL_UNSETTLED)
                .bindArray("eventIds", String.class, eventIds.toArray())
                .map(MAPPER)
                .list();
    }

    /** {@link #settle} for many events at once, each with its own status. */
    public static void settleAll(Handle handle, List<String> eventIds, List<StripeEventStatus> statuses) {
        handle.createUpdate(SETTLE_ALL)
                .bindArray("eventIds", String.class, eventIds.toArray())
                .bindArray("statuses", String.class, statuses.stream().map(Enum::name).toArray())
                .execute();
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
