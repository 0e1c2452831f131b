package com.koomy.api.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.email.sendgrid.SendGridEvent;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import com.koomy.errors.ApiException;

/**
 * Reads a verified SendGrid batch: a JSON array of events, each with at least {@code sg_event_id},
 * {@code event} and {@code timestamp}. Anything else is a 400 for the whole batch, so that nothing of
 * a batch we cannot read is half-stored.
 */
public class SendGridEventParser {

    /** 3000-01-01: anything later is not Unix seconds (milliseconds, most likely). */
    private static final long LATEST_TIMESTAMP = 32_503_680_000L;

    private final ObjectMapper mapper;

    public SendGridEventParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public List<SendGridEvent> parse(byte[] payload) {
        JsonNode root;
        try {
            root = mapper.readTree(payload);
        } catch (IOException e) {
            throw new ApiException(400, "invalid_json", "body is not valid JSON");
        }
        if (root == null || !root.isArray()) {
            throw new ApiException(400, "invalid_json", "body is not a JSON array of events");
        }
        List<SendGridEvent> events = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            events.add(event(i, root.get(i)));
        }
        return events;
    }

    private static SendGridEvent event(int index, JsonNode node) {
        if (!node.isObject()) {
            throw invalid(index, "is not a JSON object");
        }
        String sgEventId = text(node.get("sg_event_id"));
        String event = text(node.get("event"));
        JsonNode timestamp = node.get("timestamp");
        if (sgEventId == null || sgEventId.isBlank() || sgEventId.length() > 255) {
            throw invalid(index, "has no sg_event_id");
        }
        if (event == null || event.isBlank()) {
            throw invalid(index, "has no event type");
        }
        if (timestamp == null || !timestamp.isIntegralNumber() || !timestamp.canConvertToLong()
                || timestamp.asLong() < 0 || timestamp.asLong() > LATEST_TIMESTAMP) {
            throw invalid(index, "has no timestamp in Unix seconds");
        }
        JsonNode group = node.get("asm_group_id");
        return new SendGridEvent(sgEventId, event, text(node.get("email")), text(node.get("koomy_key")),
                text(node.get("sg_message_id")), Instant.ofEpochSecond(timestamp.asLong()),
                text(node.get("reason")), text(node.get("type")), text(node.get("status")),
                group != null && group.canConvertToLong() ? group.asLong() : null,
                node.toString());
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
    }

    private static ApiException invalid(int index, String problem) {
        return new ApiException(400, "invalid_event", "event " + index + " of the batch " + problem);
    }
}
