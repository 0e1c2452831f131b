package com.koomy.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
    static DropwizardAppExtension<ApiConfiguration> app = AuthorizationWorld.app(db, ConfigOverride.config("opsToken", OPS_TOKEN));

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
        return send(op.method(), world.path(op), body);
    }

    private static Answer send(String method, String path, JsonNode body) throws Exception {
        String token = path.startsWith("/api/ops") ? OPS_TOKEN : world.owner.token();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + app.getLocalPort() + path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
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

    @Test
    void domainRefusalsNameTheFieldTheyConcern() throws Exception {
        String club = world.path(operation("POST", "/api/communities/{communityId}/events")).replace("/events", "");
        Instant tomorrow = Instant.now().plus(1, ChronoUnit.DAYS);
        Map<String, Answer> answers = new LinkedHashMap<>();
        answers.put("when invalid_when", send("GET", club + "/events?when=soon", null));
        answers.put("cursor invalid_cursor", send("GET", club + "/members?cursor=bm90LWEtY3Vyc29y", null));
        answers.put("method invalid_method", send("GET", club + "/payments?method=bitcoin", null));
        answers.put("year invalid_year", send("GET", club + "/payments/summary?year=1066", null));
        answers.put("to invalid_period", send("GET", club + "/payments?from=2026-02-01&to=2026-01-01", null));
        answers.put("periodStart invalid_period", send("POST", club + "/dues/tiers", JSON.createObjectNode().put("name", "Spring")
                .put("amount", 1000).put("currency", "eur").put("period", "custom")));
        answers.put("periodEnd invalid_period", send("POST", club + "/dues/tiers", JSON.createObjectNode().put("name", "Spring")
                .put("amount", 1000).put("currency", "eur").put("period", "custom").put("periodStart", "2027-06-01")
                .put("periodEnd", "2027-05-01")));
        answers.put("paidOn invalid_paid_on", send("POST", club + "/payments/manual", JSON.createObjectNode()
                .put("accountId", world.member.id().toString()).put("tierId", UUID.randomUUID().toString()).put("method", "cash")
                .put("paidOn", tomorrow.plus(2, ChronoUnit.DAYS).toString().substring(0, 10)).put("clientReference", "future-1")));
        answers.put("toUserId invalid_target", send("POST", club + "/transfer", JSON.createObjectNode()
                .put("toUserId", world.owner.id().toString())));
        answers.put("token invalid_token (invitation)", send("POST", "/api/invitations/accept", JSON.createObjectNode().put("token", "t".repeat(150))));
        answers.put("status invalid_status", send("GET", club + "/members?status=gone", null));
        // required unless newsPostId is given (x-koomy-required-unless in the document)
        answers.put("subject invalid_subject", send("POST", club + "/newsletters", JSON.createObjectNode().put("body", "Hello")));
        answers.put("body invalid_body", send("POST", club + "/newsletters", JSON.createObjectNode().put("subject", "Hello")));
        answers.put("token invalid_token", send("POST", "/api/auth/password-reset/confirm", JSON.createObjectNode()
                .put("token", "t".repeat(150)).put("password", "a long enough password")));
        List<String> wrong = new ArrayList<>();
        answers.forEach((expected, answer) -> {
            String field = expected.split(" ")[0];
            String code = expected.split(" ")[1];
            int status = code.equals("invalid_target") ? 422 : 400;
            String message = answer.error().path("message").asText();
            if (answer.status() != status || !answer.error().path("code").asText().equals(code) || !answer.fields().equals(List.of(field))
                    || !message.startsWith(field + " ") || message.contains("t".repeat(101))) {
                wrong.add(expected + " -> " + answer.status() + " " + answer.error());
            }
        });
        assertThat(wrong).as("domain refusals that do not name their field in details.fields").isEmpty();
        assertThat(answers.get("periodEnd invalid_period").error().path("message").asText())
                .isEqualTo("periodEnd must be after periodStart for a custom period");
    }

    /** The email change's token is read like every other input: Bean Validation, the field named, nothing echoed. */
    @Test
    void aBadEmailConfirmationTokenIsAFieldErrorNamingToken() throws Exception {
        List<JsonNode> bad = List.of(NODES.textNode(""), NODES.textNode("   "), NODES.textNode("t".repeat(201)),
                NODES.numberNode(12345678901L), NODES.arrayNode().add("t"), NODES.nullNode());
        for (JsonNode token : bad) {
            Answer answer = send("POST", "/api/me/email/confirm", JSON.createObjectNode().set("token", token));
            assertThat(answer.status()).as("token " + token).isEqualTo(400);
            assertThat(answer.error().path("code").asText()).as("token " + token).isEqualTo("validation_failed");
            assertThat(answer.fields()).as("token " + token).containsExactly("token");
            assertThat(answer.error().path("message").asText()).as("token " + token).startsWith("token ")
                    .doesNotContain("t".repeat(101));
        }
        assertThat(send("POST", "/api/me/email/confirm", JSON.createObjectNode()).fields()).as("no token").containsExactly("token");
        Answer unknown = send("POST", "/api/me/email/confirm", JSON.createObjectNode().put("token", "t".repeat(43)));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.error().path("code").asText()).as("a well-formed token nobody was sent").isEqualTo("invalid_token");
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
        for (Operation op : withJsonBodies) {
            JsonNode valid = OpenApiExamples.body(world.document, op.spec());
            // The test email and the rest of my account are audited on their own (issue 19); /api/me/password and
            // /api/me/email validate their body before the current password, so they are checked here.
            if (valid == null || !valid.isObject() || op.path().startsWith("/api/me") && !op.path().equals("/api/me/password")
                    && !op.path().equals("/api/me/email") || op.path().equals("/api/ops/emails/test")) {
                continue;
            }
            JsonNode schema = resolve(op.spec().path("requestBody").path("content").path("application/json").path("schema"));
            for (JsonNode required : schema.path("required")) {
                ObjectNode body = valid.deepCopy();
                body.remove(required.asText());
                check(wrong, op, "no " + required.asText(), send(op, body), List.of(required.asText()));
                checked++;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> list = it.next();
                JsonNode items = resolve(list.getValue().path("items"));
                if (!valid.path(list.getKey()).path(0).isObject()) {
                    continue;
                }
                for (JsonNode required : items.path("required")) {
                    ObjectNode body = valid.deepCopy();
                    ((ObjectNode) body.path(list.getKey()).path(0)).remove(required.asText());
                    String field = list.getKey() + "[0]." + required.asText();
                    check(wrong, op, "no " + field, send(op, body), List.of(field));
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
            assertThat(world.document.path("components").path("schemas").path(parts[0]).path("required"))
                    .as(audited + " is required in the document").anyMatch(n -> n.asText().equals(parts[1]));
        }
    }

    private static JsonNode resolve(JsonNode schema) {
        while (schema.has("$ref")) {
            schema = world.document.path("components").path("schemas")
                    .path(schema.get("$ref").asText().replace("#/components/schemas/", ""));
        }
        return schema;
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
