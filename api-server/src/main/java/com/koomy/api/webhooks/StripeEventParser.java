package com.koomy.api.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.http.ApiException;
import com.koomy.webhooks.IncomingStripeEvent;

import java.time.Instant;

/** Reads the fields we index from a verified event body; anything that is not a Stripe event is a 400. */
public class StripeEventParser {

    private final ObjectMapper mapper;

    public StripeEventParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public IncomingStripeEvent parse(String payload) {
        JsonNode root;
        try {
            root = mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "invalid_json", "body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new ApiException(400, "invalid_json", "body is not a JSON object");
        }
        JsonNode id = root.get("id");
        JsonNode type = root.get("type");
        JsonNode created = root.get("created");
        JsonNode livemode = root.get("livemode");
        if (id == null || !id.isTextual() || !id.asText().startsWith("evt_") || id.asText().length() > 255) {
            throw new ApiException(400, "invalid_event", "event id (evt_...) is missing or malformed");
        }
        if (!"event".equals(root.path("object").asText("event"))) {
            throw new ApiException(400, "invalid_event", "object is not an event");
        }
        if (type == null || !type.isTextual() || type.asText().isBlank()) {
            throw new ApiException(400, "invalid_event", "event type is missing");
        }
        if (created == null || !created.canConvertToLong()) {
            throw new ApiException(400, "invalid_event", "event created timestamp is missing");
        }
        if (livemode == null || !livemode.isBoolean()) {
            throw new ApiException(400, "invalid_event", "event livemode is missing");
        }
        return new IncomingStripeEvent(
                id.asText(),
                type.asText(),
                livemode.asBoolean(),
                textOrNull(root.get("account")),
                textOrNull(root.get("api_version")),
                Instant.ofEpochSecond(created.asLong()),
                payload);
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
