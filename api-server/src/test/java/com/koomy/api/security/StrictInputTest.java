package com.koomy.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.api.security.OpenApiExamples.Operation;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Strict input on every route of the served document that takes a JSON body (a new route is covered the day
 * it is documented): for each field of its request schema, a value of every wrong type (a list or a number for
 * text, text or a fraction for a whole number, text for true/false, "tomorrow" for a date and time, text for a
 * list or an object), an unknown field ({@code platformOperator: true}) and everything wrong at once. Each is a
 * 400 whose {@code error.details.fields} names the field (all of them at once), whose message echoes at most
 * 100 characters of the input, and nothing in the database changes. Sent as the community's owner (the
 * operator for {@code /api/ops}), so the body is what is refused, not the caller.
 */
class StrictInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String OPS_TOKEN = "ops-token-strict-input-" + UUID.randomUUID();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("opsToken", OPS_TOKEN),
            ConfigOverride.config("openai.apiKey", "sk-test-not-a-real-key"),
            ConfigOverride.config("cardKeySecret", java.util.Base64.getEncoder().encodeToString(new byte[32])));

    private static AuthorizationWorld world;
    private static List<Operation> withJsonBodies;

    @BeforeAll
    static void world() {
        world = new AuthorizationWorld(new ApiCalls(() -> app.getLocalPort()), db.jdbi());
        withJsonBodies = OpenApiExamples.operations(world.document).stream()
                .filter(op -> op.bodyTypes().contains("application/json"))
                // a webhook's body is the provider's event, checked by its signature before it is read: not ours to be strict about
                .filter(op -> !op.path().startsWith("/api/webhooks/")).toList();
    }

    /** A request body's properties as the document describes them (its $ref followed). */
    private static JsonNode properties(Operation op) {
        JsonNode schema = op.spec().path("requestBody").path("content").path("application/json").path("schema");
        while (schema.has("$ref")) {
            schema = world.document.path("components").path("schemas")
                    .path(schema.get("$ref").asText().replace("#/components/schemas/", ""));
        }
        return schema.path("properties");
    }

    /** Values of the wrong type for a property of {@code schema}, by what they are. */
    static Map<String, JsonNode> wrongValues(JsonNode schema) {
        while (schema.has("$ref")) {
            schema = world.document.path("components").path("schemas")
                    .path(schema.get("$ref").asText().replace("#/components/schemas/", ""));
        }
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

    private record Answer(int status, JsonNode error) {
        List<String> fields() {
            List<String> names = new ArrayList<>();
            error.path("details").path("fields").forEach(f -> names.add(f.path("field").asText()));
            return names;
        }
    }

    private static Answer send(Operation op, JsonNode body) throws Exception {
        String token = op.path().startsWith("/api/ops") ? OPS_TOKEN : world.owner.token();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + app.getLocalPort() + world.path(op)))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .method(op.method(), HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isEmpty() ? NODES.objectNode() : JSON.readTree(response.body());
        return new Answer(response.statusCode(), json.path("error"));
    }

    @Test
    void everyWrongTypeUnknownFieldAndAllAtOnceIsA400NamingTheFieldsAndChangesNothing() throws Exception {
        assertThat(withJsonBodies).as("routes with a JSON body in the document").hasSizeGreaterThan(20);
        Map<String, String> before = TableDigests.of(db.jdbi());
        List<String> wrong = new ArrayList<>();
        int requests = 0;
        for (Operation op : withJsonBodies) {
            JsonNode valid = OpenApiExamples.body(world.document, op.spec());
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
                    Answer answer = send(op, body);
                    requests++;
                    check(wrong, op, property.getKey() + " as " + value.getKey(), answer, List.of(property.getKey()));
                }
            }
            ObjectNode unknown = valid.deepCopy();
            unknown.put("platformOperator", true);
            check(wrong, op, "an unknown field", send(op, unknown), List.of("platformOperator"));
            List<String> all = new ArrayList<>();
            allWrong.fieldNames().forEachRemaining(all::add);
            allWrong.put("z".repeat(300), 1);
            all.add("z".repeat(100));
            Answer everything = send(op, allWrong);
            requests += 2;
            check(wrong, op, "everything wrong at once", everything, all);
            if (everything.error().path("message").asText().contains("z".repeat(101))) {
                wrong.add(op.key() + ": the message echoes more than 100 characters of the input");
            }
        }
        assertThat(requests).isGreaterThan(200);
        assertThat(wrong).as("answers to bad input that were not a 400 naming the fields, of %d requests", requests).isEmpty();
        assertThat(TableDigests.of(db.jdbi())).as("the database after every refused body").isEqualTo(before);
    }

    private static void check(List<String> wrong, Operation op, String what, Answer answer, List<String> fields) {
        if (answer.status() != 400) {
            wrong.add(op.key() + " with " + what + " -> " + answer.status() + " " + answer.error());
        } else if (!answer.fields().containsAll(fields)) {
            wrong.add(op.key() + " with " + what + " -> 400 naming " + answer.fields() + ", not " + fields + ": "
                    + answer.error().path("message").asText());
        }
    }

    @Test
    void theIssuesExamplesNameTheFieldAndTheTypeItShouldHave() throws Exception {
        Operation createCommunity = operation("POST", "/api/communities");
        Answer name = send(createCommunity, body(createCommunity, "name", NODES.arrayNode().add(1).add(2)));
        assertThat(name.status()).isEqualTo(400);
        assertThat(name.error().path("code").asText()).isEqualTo("validation_failed");
        assertThat(name.error().path("message").asText()).isEqualTo("name must be text");

        Operation createEvent = operation("POST", "/api/communities/{communityId}/events");
        ObjectNode event = body(createEvent, "capacity", NODES.textNode("ten"));
        event.put("startsAt", "tomorrow");
        event.put("title", 123);
        Answer three = send(createEvent, event);
        assertThat(three.status()).isEqualTo(400);
        assertThat(three.fields()).containsExactly("capacity", "startsAt", "title");
        assertThat(three.error().path("message").asText()).contains("capacity must be a whole number",
                "startsAt must be a date and time such as", "title must be text");

        ObjectNode backwards = body(createEvent, "endsAt", NODES.textNode("2030-01-01T10:00:00Z"));
        backwards.put("startsAt", "2030-01-01T12:00:00Z");
        Answer order = send(createEvent, backwards);
        assertThat(order.status()).isEqualTo(400);
        assertThat(order.fields()).containsExactly("endsAt");
        assertThat(order.error().path("message").asText()).isEqualTo("endsAt must be after startsAt");

        Operation register = operation("POST", "/api/auth/register");
        ObjectNode numbers = body(register, "password", NODES.numberNode(12345678901L));
        numbers.put("platformOperator", true);
        Answer signUp = send(register, numbers);
        assertThat(signUp.status()).isEqualTo(400);
        assertThat(signUp.fields()).contains("password", "platformOperator");
        ObjectNode blank = JSON.createObjectNode().put("email", "").put("password", "short").put("name", " ").put("locale", "de");
        assertThat(send(register, blank).fields()).as("every invalid field at once")
                .containsExactlyInAnyOrder("email", "password", "name", "locale");
    }

    @Test
    void wrongTypesAndBrokenConstraintsAreNamedInTheSameAnswer() throws Exception {
        Operation createEvent = operation("POST", "/api/communities/{communityId}/events");
        ObjectNode event = body(createEvent, "title", NODES.arrayNode().add(1).add(2));
        event.put("capacity", -3);
        event.put("ticketsPerAccount", 11);
        event.put("startsAt", "tomorrow");
        event.remove("timeZone");
        Answer all = send(createEvent, event);
        assertThat(all.status()).isEqualTo(400);
        assertThat(all.error().path("code").asText()).isEqualTo("validation_failed");
        assertThat(all.fields()).as("types and constraints in one answer")
                .containsExactly("capacity", "startsAt", "ticketsPerAccount", "timeZone", "title");
        assertThat(all.error().path("message").asText()).contains("title must be text", "startsAt must be a date and time",
                "capacity must be greater than or equal to 1", "timeZone must not be");

        Operation invite = operation("POST", "/api/communities/{communityId}/invitations");
        Answer both = send(invite, JSON.createObjectNode().put("email", "x").put("role", 5));
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.fields()).containsExactly("email", "role");
        assertThat(both.error().path("details").path("fields").get(1).path("message").asText()).isEqualTo("must be text");
    }

    private static Operation operation(String method, String path) {
        return withJsonBodies.stream().filter(op -> op.method().equals(method) && op.path().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + method + " " + path + " in the document"));
    }

    private static ObjectNode body(Operation op, String field, JsonNode value) {
        ObjectNode body = OpenApiExamples.body(world.document, op.spec()).deepCopy();
        body.set(field, value);
        return body;
    }
}
