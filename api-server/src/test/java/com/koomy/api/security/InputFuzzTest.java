package com.koomy.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input on every documented route, read from the served OpenAPI document: malformed JSON,
 * wrong types, U+0000, oversized bodies are 4xx and change nothing in the database; SQL metacharacters,
 * Unicode edge cases and long strings in every text field and query parameter are never a 5xx, and
 * text is stored as sent.
 */
class InputFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern PARAM = Pattern.compile("\\{(\\w+)}");

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = AuthorizationWorld.app(db);

    private static ApiCalls api;
    private static User owner;
    private static final Map<String, String> IDS = new HashMap<>();
    private static JsonNode document;

    @BeforeAll
    static void fixture() {
        api = new ApiCalls(() -> app.getLocalPort());
        owner = api.user("Olga Fuzz");
        User member = api.user("Max Fuzz");
        UUID community = api.community(owner, "Fuzz Club", "public", "open");
        assertThat(api.call("POST", "/api/communities/" + community + "/join", member.token(), null).status()).isEqualTo(201);
        ApiReply post = api.call("POST", "/api/communities/" + community + "/news", owner.token(),
                Map.of("title", "Fuzz post", "body", "body"));
        ApiReply draft = api.call("POST", "/api/communities/" + community + "/news/drafts", owner.token(), Map.of("brief", "b"));
        IDS.put("id", community.toString());
        IDS.put("communityId", community.toString());
        IDS.put("accountId", member.id().toString());
        IDS.put("postId", post.body().get("id").asText());
        IDS.put("draftId", draft.body().get("draftId").asText());
        document = api.get("/api/openapi.json", null).body();
        assertThat(document.get("paths").size()).isGreaterThan(20);
    }

    private record Operation(String method, String path, JsonNode spec) {
    }

    private static List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (Set.of("get", "post", "put", "patch", "delete").contains(op.getKey())) {
                operations.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), fill(path.getKey()), op.getValue()));
            }
        }));
        return operations;
    }

    /** Our own ids where we have them (so calls get past the lookups), a random one elsewhere. */
    private static String fill(String path) {
        Matcher m = PARAM.matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, IDS.getOrDefault(m.group(1), UUID.randomUUID().toString()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static JsonNode jsonBodyExample(Operation op) {
        JsonNode schema = op.spec().path("requestBody").path("content").path("application/json").path("schema");
        return schema.isMissingNode() ? null : OpenApiExamples.example(document, schema, 0);
    }

    private static int send(Operation op, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + app.getLocalPort() + path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + owner.token())
                .method(op.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static Map<String, Long> rowCounts() {
        List<String> tables = TableDigests.tables(db.jdbi());
        return db.jdbi().withHandle(h -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String table : tables) {
                counts.put(table, h.createQuery("SELECT count(*) FROM koomy." + table).mapTo(Long.class).one());
            }
            return counts;
        });
    }

    @Test
    void invalidBodiesAreRefusedWith4xxAndChangeNothing() throws Exception {
        Map<String, Long> before = rowCounts();
        List<String> failures = new ArrayList<>();
        int calls = 0;
        String oversized = "{\"name\": \"" + "x".repeat(1_200_000) + "\"}";
        for (Operation op : operations()) {
            JsonNode valid = jsonBodyExample(op);
            if (valid == null) {
                continue;
            }
            for (Map.Entry<String, String> variant : HostileInput.invalidVariants(valid).entrySet()) {
                int status = send(op, op.path(), variant.getValue());
                calls++;
                if (status < 400 || status >= 500) {
                    failures.add(op.method() + " " + op.path() + " " + variant.getKey() + " -> " + status);
                }
            }
            int status = send(op, op.path(), oversized);
            calls++;
            if (status != 413) {
                failures.add(op.method() + " " + op.path() + " 1.2 MB body -> " + status);
            }
        }
        assertThat(failures).as("invalid bodies not refused with a 4xx (%d calls)", calls).isEmpty();
        assertThat(calls).isGreaterThan(50);
        assertThat(rowCounts()).as("rows per table after refused requests").isEqualTo(before);
    }

    @Test
    void hostileTextInEveryFieldAndQueryParameterIsNeverAServerError() throws Exception {
        List<String> failures = new ArrayList<>();
        int calls = 0;
        for (Operation op : operations()) {
            if (op.path().startsWith("/api/auth/logout")) {
                continue; // would end the session the rest of this test uses
            }
            JsonNode valid = jsonBodyExample(op);
            if (valid instanceof ObjectNode object) {
                for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    if (!field.getValue().isTextual()) {
                        continue;
                    }
                    for (String text : HostileInput.TEXT) {
                        ObjectNode body = object.deepCopy();
                        body.put(field.getKey(), text);
                        int status = send(op, op.path(), body.toString());
                        calls++;
                        if (status >= 500) {
                            failures.add(op.method() + " " + op.path() + " " + field.getKey() + "="
                                    + HostileInput.abbreviate(text) + " -> " + status);
                        }
                    }
                }
            }
            for (JsonNode parameter : op.spec().path("parameters")) {
                if (!"query".equals(parameter.path("in").asText())) {
                    continue;
                }
                for (String hostile : HostileInput.TEXT) {
                    // Jetty refuses request lines over 8 KiB itself (before any of our code): 2,000 characters here.
                    String text = hostile.length() > 2_000 ? hostile.substring(0, 2_000) : hostile;
                    String query = parameter.get("name").asText() + "=" + URLEncoder.encode(text, StandardCharsets.UTF_8);
                    String body = valid == null ? null : valid.toString();
                    int status = send(op, op.path() + "?" + query, body);
                    calls++;
                    if (status >= 500) {
                        failures.add(op.method() + " " + op.path() + "?" + parameter.get("name").asText() + "="
                                + HostileInput.abbreviate(text) + " -> " + status);
                    }
                }
            }
        }
        assertThat(failures).as("server errors on hostile text (%d calls)", calls).isEmpty();
        assertThat(calls).isGreaterThan(300);
    }

    @Test
    void sqlMetacharactersAreStoredAsSent() throws Exception {
        String name = "Robert'); DROP TABLE communities; -- 100% _x_ \\ \uD83D\uDE00";
        ApiReply changed = api.call("PATCH", "/api/communities/" + IDS.get("communityId"), owner.token(), Map.of("name", name));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(JSON.readTree(api.get("/api/communities/" + IDS.get("communityId"), null).body().toString())
                .get("name").asText()).isEqualTo(name);
        ApiReply search = api.get("/api/communities/" + IDS.get("communityId") + "/members?q="
                + URLEncoder.encode("' OR '1'='1", StandardCharsets.UTF_8), owner.token());
        assertThat(search.status()).isEqualTo(200);
        assertThat(search.body().get("items")).isEmpty();
    }
}
