package com.koomy.api.stripe;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.koomy.errors.ApiException;
import com.koomy.stripe.events.IncomingStripeEvent;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Reads the fields we index from a verified event body; anything that is not a Stripe event is a 400. */
public class StripeEventParser {

    private static final Set<String> INDEXED = Set.of("id", "object", "type", "created", "livemode", "account", "api_version");

    private final ObjectMapper mapper;

    public StripeEventParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public IncomingStripeEvent parse(String payload) {
        Map<String, JsonNode> root = topLevelFields(payload);
        JsonNode id = root.get("id");
        JsonNode type = root.get("type");
        JsonNode created = root.get("created");
        JsonNode livemode = root.get("livemode");
        if (id == null || !id.isTextual() || !id.asText().startsWith("evt_") || id.asText().length() > 255) {
            throw new ApiException(400, "invalid_event", "event id (evt_...) is missing or malformed");
        }
        if (root.containsKey("object") && !"event".equals(root.get("object").asText())) {
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

    /**
     * The top-level fields we index, read while streaming over the rest (the event's {@code data},
     * most of its bytes, is checked for syntax but never built into a tree); the last of duplicate
     * keys wins, as with a tree. Anything after the root object is refused, as PostgreSQL would.
     */
    private Map<String, JsonNode> topLevelFields(String payload) {
        Map<String, JsonNode> fields = new HashMap<>();
        try (JsonParser parser = mapper.getFactory().createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new ApiException(400, "invalid_json", "body is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (INDEXED.contains(name)) {
                    fields.put(name, value == JsonToken.VALUE_NULL ? NullNode.getInstance() : mapper.readTree(parser));
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw new ApiException(400, "invalid_json", "body is not valid JSON");
            }
        } catch (IOException e) {
            throw new ApiException(400, "invalid_json", "body is not valid JSON");
        }
        return fields;
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
