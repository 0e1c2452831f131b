package com.koomy.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.security.OpenApiExamples.Operation;
import com.koomy.testing.TestStack;
import io.dropwizard.testing.ConfigOverride;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The API with every documented route on ({@link AuthorizationWorld}), its world and the routes of the served
 * document that take a JSON body (webhooks aside), for the strict input tests, one extension; requests go as
 * the community's owner (the operator for {@code /api/ops}), so the body is what is refused, not the caller.
 */
final class StrictInput implements BeforeAllCallback, AfterAllCallback {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String OPS_TOKEN = "ops-token-strict-input-" + UUID.randomUUID();

    private final TestStack<ApiConfiguration> stack =
            TestStack.of(db -> AuthorizationWorld.app(db, ConfigOverride.config("opsToken", OPS_TOKEN)));
    AuthorizationWorld world;
    List<Operation> withJsonBodies;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        stack.beforeAll(context);
        world = new AuthorizationWorld(new ApiCalls(() -> stack.app.getLocalPort()), jdbi());
        withJsonBodies = OpenApiExamples.operations(world.document).stream()
                .filter(op -> op.bodyTypes().contains("application/json"))
                // a webhook's body is the provider's event, checked by its signature before it is read: not ours to be strict about
                .filter(op -> !op.path().startsWith("/api/webhooks/")).toList();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stack.afterAll(context);
    }

    Jdbi jdbi() {
        return stack.db.jdbi();
    }

    record Answer(int status, JsonNode error) {
        List<String> fields() {
            List<String> names = new ArrayList<>();
            error.path("details").path("fields").forEach(f -> names.add(f.path("field").asText()));
            return names;
        }
    }

    Answer send(Operation op, JsonNode body) throws Exception {
        return send(op.method(), world.path(op), body);
    }

    Answer send(String method, String path, JsonNode body) throws Exception {
        String token = path.startsWith("/api/ops") ? OPS_TOKEN : world.owner.token();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + stack.app.getLocalPort() + path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isEmpty() ? JsonNodeFactory.instance.objectNode() : JSON.readTree(response.body());
        return new Answer(response.statusCode(), json.path("error"));
    }

    /** Adds to {@code wrong} unless the answer is a 400 naming every one of {@code fields}. */
    static void check(List<String> wrong, Operation op, String what, Answer answer, List<String> fields) {
        if (answer.status() != 400) {
            wrong.add(op.key() + " with " + what + " -> " + answer.status() + " " + answer.error());
        } else if (!answer.fields().containsAll(fields)) {
            wrong.add(op.key() + " with " + what + " -> 400 naming " + answer.fields() + ", not " + fields + ": "
                    + answer.error().path("message").asText());
        }
    }

    /** A schema of the document with its $ref followed. */
    JsonNode resolve(JsonNode schema) {
        while (schema.has("$ref")) {
            schema = world.document.path("components").path("schemas")
                    .path(schema.get("$ref").asText().replace("#/components/schemas/", ""));
        }
        return schema;
    }

    Operation operation(String method, String path) {
        return withJsonBodies.stream().filter(op -> op.method().equals(method) && op.path().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + method + " " + path + " in the document"));
    }

    /** The document's example body of {@code op} with {@code field} set to {@code value}. */
    ObjectNode body(Operation op, String field, JsonNode value) {
        ObjectNode body = OpenApiExamples.body(world.document, op.spec()).deepCopy();
        body.set(field, value);
        return body;
    }
}
