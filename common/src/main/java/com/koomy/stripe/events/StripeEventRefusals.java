package com.koomy.stripe.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.koomy.db.SqlStates;
import org.jdbi.v3.core.Jdbi;

import java.util.Iterator;
import java.util.Map;

/**
 * The slow path beside {@link StripeEventWrites}: a signed event whose payload PostgreSQL's jsonb refuses is
 * stored all the same, {@code failed} with the reason and its raw text, so Stripe gets its 200.
 */
public final class StripeEventRefusals {

    /** Numbers kept exactly as sent (no double rounding, no "Infinity"): only U+0000 may change. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private StripeEventRefusals() {
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
    public static boolean store(Jdbi jdbi, IncomingStripeEvent event, String source, Throwable refusal) {
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
        return jdbi.withExtension(StripeEventDao.class, dao -> dao.insertRefused(event, payload, reason, source));
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
}
