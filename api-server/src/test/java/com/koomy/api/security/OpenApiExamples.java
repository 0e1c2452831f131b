package com.koomy.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;

/** Request bodies built from the served OpenAPI document, for tests that walk every route. */
final class OpenApiExamples {

    private OpenApiExamples() {
    }

    /** A request body that passes validation, built from the operation's schema, so the call reaches the tenant check. */
    static JsonNode body(JsonNode document, JsonNode operation) {
        JsonNode schema = operation.path("requestBody").path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) {
            return null;
        }
        return example(document, schema, 0);
    }

    static JsonNode example(JsonNode document, JsonNode schema, int depth) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        if (schema.has("$ref")) {
            String name = schema.get("$ref").asText().replace("#/components/schemas/", "");
            return example(document, document.path("components").path("schemas").path(name), depth + 1);
        }
        if (schema.has("enum")) {
            return schema.get("enum").get(0);
        }
        String type = schema.path("type").asText("object");
        String format = schema.path("format").asText("");
        switch (type) {
            case "string":
                return switch (format) {
                    case "uuid" -> json.textNode(UUID.randomUUID().toString());
                    case "date-time" -> json.textNode(Instant.now().plus(7, ChronoUnit.DAYS).toString());
                    case "date" -> json.textNode("2030-01-01");
                    case "email" -> json.textNode("matrix-" + UUID.randomUUID() + "@example.org");
                    default -> schema.has("pattern") && schema.get("pattern").asText().matches("\\^?\\(?[\\w|-]+\\)?\\$?")
                            ? json.textNode(schema.get("pattern").asText().replaceAll("[\\^$()]", "").split("\\|")[0])
                            : json.textNode(schema.path("minLength").asInt(0) > 12
                            ? "x".repeat(schema.get("minLength").asInt()) : "matrix value");
                };
            case "integer", "number":
                return json.numberNode(Math.max(1, schema.path("minimum").asInt(1)));
            case "boolean":
                return json.booleanNode(false);
            case "array":
                return depth > 3 ? json.arrayNode() : json.arrayNode().add(example(document, schema.path("items"), depth + 1));
            default:
                ObjectNode object = json.objectNode();
                if (depth > 3) {
                    return object;
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> property = it.next();
                    if (!property.getValue().path("readOnly").asBoolean(false)) {
                        object.set(property.getKey(), example(document, property.getValue(), depth + 1));
                    }
                }
                return object;
        }
    }

}
