package com.koomy.stripe.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.koomy.db.SqlStates;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The statements on the webhook hot path (store on receipt; lock and settle when applying, one event or many),
 * written with Jdbi's fluent API rather than as {@link StripeEventDao} methods: creating a SqlObject
 * per request cost more CPU than the statements themselves (profiled under ops/bench/webhooks).
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
                    queued AS (
                        INSERT INTO outbox (kind, ref) SELECT '%s', event_id FROM stored)
                    SELECT event_id FROM stored
                    """.formatted(values, StripeEvent.RECEIVED_OUTBOX_KIND);
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

    private static final String STORE_REFUSED = """
            INSERT INTO stripe_events (event_id, type, livemode, account, api_version, stripe_created, payload, raw_payload,
                                       status, last_error, source)
            VALUES (:eventId, :type, :livemode, :account, :apiVersion, :created, CAST(:payload AS jsonb), :raw,
                    'failed', :reason, :source)
            ON CONFLICT (event_id) DO NOTHING
            """;

    /** Numbers kept exactly as sent (no double rounding, no "Infinity"): only U+0000 may change. */
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private StripeEventWrites() {
    }

    /**
     * Whether {@code e} is PostgreSQL refusing the data itself (SQLSTATE class 22: jsonb's "unsupported Unicode
     * escape sequence" for a {@code \u0000}, a number beyond numeric's range), not the database being unwell.
     */
    public static boolean refusedData(Throwable e) {
        return SqlStates.has(e, state -> state.startsWith("22"));
    }

    /**
     * The slow path of a signed event whose payload PostgreSQL's jsonb refused ({@link #refusedData}): it is
     * stored all the same, so Stripe gets its 200 and the event is not lost, as {@code failed} with the reason
     * and no outbox row (nothing applies it unasked). {@code raw_payload} keeps the text as received;
     * {@code payload} holds the same JSON with every U+0000 as U+FFFD when that makes it storable (an operator
     * may replay it, and the replay applies that), or null when not (replay refused). Each attempt is its own
     * statement in autocommit. Returns false for a redelivery (nothing written).
     */
    public static boolean storeRefused(Jdbi jdbi, IncomingStripeEvent event, String source, Throwable refusal) {
        String why = SqlStates.find(refusal, state -> state.startsWith("22")) + " " + rootMessage(refusal);
        String sanitized = withoutNul(event.payload());
        if (sanitized != null) {
            try {
                return insertRefused(jdbi, event, source, sanitized, "PostgreSQL's jsonb refused the payload (" + why
                        + "); raw_payload keeps it as received, payload has U+0000 replaced by U+FFFD (a replay applies that)");
            } catch (RuntimeException again) {
                if (!refusedData(again)) {
                    throw again;
                }
            }
        }
        return insertRefused(jdbi, event, source, null, "PostgreSQL's jsonb refused the payload (" + why
                + "); raw_payload keeps it as received; not replayable");
    }

    private static boolean insertRefused(Jdbi jdbi, IncomingStripeEvent event, String source, String payload, String reason) {
        return jdbi.withHandle(h -> h.createUpdate(STORE_REFUSED)
                .bind("eventId", event.eventId())
                .bind("type", event.type())
                .bind("livemode", event.livemode())
                .bind("account", event.account())
                .bind("apiVersion", event.apiVersion())
                .bind("created", event.created())
                .bind("payload", payload)
                .bind("raw", event.payload())
                .bind("reason", reason)
                .bind("source", source)
                .execute()) > 0;
    }

    /** The JSON with U+0000 in every string and field name replaced by U+FFFD; null when it is not JSON. */
    static String withoutNul(String json) {
        try {
            return JSON.writeValueAsString(clean(JSON.readTree(json)));
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static JsonNode clean(JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(node.textValue().replace('\u0000', '\uFFFD'));
        }
        if (node.isArray()) {
            ArrayNode array = JSON.createArrayNode();
            node.forEach(item -> array.add(clean(item)));
            return array;
        }
        if (node.isObject()) {
            ObjectNode object = JSON.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                object.set(field.getKey().replace('\u0000', '\uFFFD'), clean(field.getValue()));
            }
            return object;
        }
        return node;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage()).replace('\n', ' ');
        return message.length() > 300 ? message.substring(0, 300) : message;
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
