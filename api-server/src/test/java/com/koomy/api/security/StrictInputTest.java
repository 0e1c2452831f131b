package com.koomy.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.koomy.api.security.OpenApiExamples.Operation;
import com.koomy.api.security.StrictInput.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Strict input on every route of the served document that takes a JSON body (a new route is covered the day
 * it is documented): for each field of its request schema, a value of every wrong type (a list or a number for
 * text, text or a fraction for a whole number, text for true/false, "tomorrow" for a date and time, text for a
 * list or an object), an unknown field ({@code platformOperator: true}) and everything wrong at once. Each is a
 * 400 whose {@code error.details.fields} names the field (all of them at once), whose message echoes at most
 * 100 characters of the input, and nothing in the database changes. Every required field, absent, is a 400
 * naming it. Sent as the community's owner (the operator for {@code /api/ops}), so the body is what is refused,
 * not the caller. The messages of single refusals: {@link NamedFieldErrorsTest}.
 */
class StrictInputTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @RegisterExtension
    static StrictInput input = new StrictInput();

    /** A request body's properties as the document describes them (its $ref followed). */
    private static JsonNode properties(Operation op) {
        return input.resolve(op.spec().path("requestBody").path("content").path("application/json").path("schema"))
                .path("properties");
    }

    /** Values of the wrong type for a property of {@code schema}, by what they are. */
    static Map<String, JsonNode> wrongValues(JsonNode schema) {
        schema = input.resolve(schema);
        Map<String, JsonNode> out = new LinkedHashMap<>();
        String type = schema.path("type").asText("object");
        switch (type) {
            case "string" -> {
                out.put("a list", NODES.arrayNode().add(1).add(2));
                out.put("a number", NODES.numberNode(12345678901L));
                out.put("true", NODES.booleanNode(true));
                out.put("an object", NODES.objectNode().put("x", 1));
                if (schema.path("format").asText().equals("date-time")) {
                    out.put("not a date", NODES.textNode("tomorrow"));
                }
                if (schema.path("format").asText().equals("uuid")) {
                    out.put("not an id", NODES.textNode("ten"));
                }
            }
            case "integer" -> {
                out.put("text", NODES.textNode("ten"));
                out.put("a number as text", NODES.textNode("10"));
                out.put("a fraction", NODES.numberNode(1.5));
                out.put("a list", NODES.arrayNode().add(1));
                out.put("true", NODES.booleanNode(true));
            }
            case "number" -> {
                out.put("text", NODES.textNode("ten"));
                out.put("a list", NODES.arrayNode().add(1));
            }
            case "boolean" -> {
                out.put("text", NODES.textNode("yes"));
                out.put("a number", NODES.numberNode(1));
            }
            case "array" -> {
                out.put("text", NODES.textNode("x"));
                out.put("an object", NODES.objectNode());
            }
            default -> {
                out.put("text", NODES.textNode("x"));
                out.put("a number", NODES.numberNode(5));
            }
        }
        return out;
    }

    @Test
    void everyWrongTypeUnknownFieldAndAllAtOnceIsA400NamingTheFieldsAndChangesNothing() throws Exception {
        assertThat(input.withJsonBodies).as("routes with a JSON body in the document").hasSizeGreaterThan(20);
        Map<String, String> before = TableDigests.of(input.jdbi());
        List<String> wrong = new ArrayList<>();
        int requests = 0;
        for (Operation op : input.withJsonBodies) {
            JsonNode valid = OpenApiExamples.body(input.world.document, op.spec());
            if (valid == null || !valid.isObject()) {
                wrong.add(op.key() + ": its JSON body is not an object; this test does not cover it");
                continue;
            }
            ObjectNode allWrong = NODES.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = properties(op).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> property = it.next();
                if (property.getValue().path("readOnly").asBoolean(false)) {
                    continue;
                }
                for (Map.Entry<String, JsonNode> value : wrongValues(property.getValue()).entrySet()) {
                    ObjectNode body = valid.deepCopy();
                    body.set(property.getKey(), value.getValue());
                    allWrong.set(property.getKey(), value.getValue());
                    Answer answer = input.send(op, body);
                    requests++;
                    StrictInput.check(wrong, op, property.getKey() + " as " + value.getKey(), answer,
                            List.of(property.getKey()));
                }
            }
            ObjectNode unknown = valid.deepCopy();
            unknown.put("platformOperator", true);
            StrictInput.check(wrong, op, "an unknown field", input.send(op, unknown), List.of("platformOperator"));
            List<String> all = new ArrayList<>();
            allWrong.fieldNames().forEachRemaining(all::add);
            allWrong.put("z".repeat(300), 1);
            all.add("z".repeat(100));
            Answer everything = input.send(op, allWrong);
            requests += 2;
            StrictInput.check(wrong, op, "everything wrong at once", everything, all);
            if (everything.error().path("message").asText().contains("z".repeat(101))) {
                wrong.add(op.key() + ": the message echoes more than 100 characters of the input");
            }
        }
        assertThat(requests).isGreaterThan(200);
        assertThat(wrong).as("answers to bad input that were not a 400 naming the fields, of %d requests", requests).isEmpty();
        assertThat(TableDigests.of(input.jdbi())).as("the database after every refused body").isEqualTo(before);
    }

    /**
     * Every field the document marks required is enforced: the example body without it is a 400 naming it (for a
     * required field of the items of a list, the first item's). Bean Validation's annotations are the one source of
     * both, so a field the server needs is required in the document, and the other way round.
     */
    @Test
    void everyRequiredFieldOfTheDocumentIsA400NamingItWhenAbsent() throws Exception {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Operation op : input.withJsonBodies) {
            JsonNode valid = OpenApiExamples.body(input.world.document, op.spec());
            // The test email and the rest of my account are audited on their own (issue 19); /api/me/password and
            // /api/me/email validate their body before the current password, so they are checked here.
            if (valid == null || !valid.isObject() || op.path().startsWith("/api/me") && !op.path().equals("/api/me/password")
                    && !op.path().equals("/api/me/email") || op.path().equals("/api/ops/emails/test")) {
                continue;
            }
            JsonNode schema = input.resolve(op.spec().path("requestBody").path("content").path("application/json").path("schema"));
            for (JsonNode required : schema.path("required")) {
                ObjectNode body = valid.deepCopy();
                body.remove(required.asText());
                StrictInput.check(wrong, op, "no " + required.asText(), input.send(op, body), List.of(required.asText()));
                checked++;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> list = it.next();
                JsonNode items = input.resolve(list.getValue().path("items"));
                if (!valid.path(list.getKey()).path(0).isObject()) {
                    continue;
                }
                for (JsonNode required : items.path("required")) {
                    ObjectNode body = valid.deepCopy();
                    ((ObjectNode) body.path(list.getKey()).path(0)).remove(required.asText());
                    String field = list.getKey() + "[0]." + required.asText();
                    StrictInput.check(wrong, op, "no " + field, input.send(op, body), List.of(field));
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(35);
        assertThat(wrong).as("required fields of the document the server does not refuse, of %d", checked).isEmpty();
        for (String audited : List.of("DuesNewTierRequest amount", "MemberFieldsMemberFieldsRequest fields",
                "MemberFieldsFieldDefinition key", "MemberFieldsFieldDefinition label", "MemberFieldsFieldDefinition type",
                "NewsDraftsDraftRequest brief")) {
            String[] parts = audited.split(" ");
            assertThat(input.world.document.path("components").path("schemas").path(parts[0]).path("required"))
                    .as(audited + " is required in the document").anyMatch(n -> n.asText().equals(parts[1]));
        }
    }
}
