package com.koomy.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Request bodies built from the served OpenAPI document, for tests that walk every route. */
final class OpenApiExamples {

    private static final Pattern PARAM = Pattern.compile("\\{(\\w+)}");

    private OpenApiExamples() {
    }

    /** One documented operation: its method, its path template and its OpenAPI object. */
    record Operation(String method, String path, JsonNode spec) {
        String key() {
            return method + " " + path;
        }

        /** The media types of its request body (empty without one). */
        List<String> bodyTypes() {
            List<String> types = new ArrayList<>();
            spec.path("requestBody").path("content").fieldNames().forEachRemaining(types::add);
            return types;
        }
    }

    /** Every operation of the document, in its order. */
    static List<Operation> operations(JsonNode document) {
        List<Operation> operations = new ArrayList<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (Set.of("get", "post", "put", "patch", "delete").contains(op.getKey())) {
                operations.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), path.getKey(), op.getValue()));
            }
        }));
        return operations;
    }

    /** The path with each {parameter} replaced by {@code values}' answer; a parameter without one fails. */
    static String fill(String path, Function<String, String> values) {
        Matcher m = PARAM.matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.apply(m.group(1));
            if (value == null) {
                throw new IllegalStateException("no value for path parameter {" + m.group(1) + "} of " + path);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
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
                return depth > 5 ? json.arrayNode() : json.arrayNode().add(example(document, schema.path("items"), depth + 1));
            default:
                ObjectNode object = json.objectNode();
                if (depth > 5) {
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
