package com.koomy.api.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served OpenAPI document is a contract a generated client can rely on: walks every operation of the
 * document (so routes added later are held to the same rules), not a list of routes kept by hand.
 */
class OpenApiContractTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head");

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("publicUrl", "https://api.koomy.test"));

    static JsonNode doc;

    @BeforeAll
    static void fetch() {
        try (Client client = ClientBuilder.newBuilder().readTimeout(60, TimeUnit.SECONDS).build()) {
            doc = client.target("http://localhost:" + app.getLocalPort() + "/api/openapi.json").request().get(JsonNode.class);
        }
    }

    /** Every operation as "METHOD path" with its object. */
    static Map<String, JsonNode> operations() {
        Map<String, JsonNode> operations = new java.util.TreeMap<>();
        doc.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (METHODS.contains(op.getKey())) {
                operations.put(op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey(), op.getValue());
            }
        }));
        return operations;
    }

    static JsonNode schema(String ref) {
        return doc.at("/components/schemas/" + ref.replace("#/components/schemas/", ""));
    }

    /**
     * The generated client of the tests (openapi-generator, at generate-test-sources) is built from a copy of
     * the document checked in beside the tests, since the build cannot ask a running server for it. This
     * keeps the copy exact: when the served document changes, the test fails and writes the new one to
     * {@code target/openapi/koomy-api.json}; with {@code -Dopenapi.update=true} it updates the copy itself.
     */
    @Test
    void servedDocumentIsTheCheckedInCopy() throws Exception {
        java.nio.file.Path copy = java.nio.file.Path.of("src/test/resources/openapi/koomy-api.json");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        JsonNode served = doc.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) served).set("servers", json.readTree("[{\"url\": \"http://127.0.0.1:8080\"}]"));
        String text = json.writerWithDefaultPrettyPrinter().writeValueAsString(served) + "\n";
        if (Boolean.getBoolean("openapi.update")) {
            java.nio.file.Files.writeString(copy, text);
        }
        java.nio.file.Path fresh = java.nio.file.Path.of("target/openapi/koomy-api.json");
        java.nio.file.Files.createDirectories(fresh.getParent());
        java.nio.file.Files.writeString(fresh, text);
        assertThat(java.nio.file.Files.exists(copy)).as(copy + " exists (run with -Dopenapi.update=true)").isTrue();
        assertThat(json.readTree(copy.toFile())).as("the checked-in " + copy + " against the served document (the new one is in "
                + fresh + "; -Dopenapi.update=true copies it)").isEqualTo(served);
    }

    @Test
    void noTwoClassesShareASchemaName() {
        assertThat(SchemaNames.collisions()).as("schema names given to several classes").isEmpty();
        JsonNode accountBody = schema(doc.at("/paths/~1api~1auth~1register/post/requestBody/content/application~1json/schema/$ref").asText());
        assertThat(accountBody.path("properties").has("email")).as("POST /api/auth/register's body").isTrue();
        JsonNode ticketBody = schema(doc.at("/paths/~1api~1events~1{eventId}~1registrations/post/requestBody/content/application~1json/schema/$ref").asText());
        assertThat(ticketBody.path("properties").has("guestName")).as("the event registration's body").isTrue();
        assertThat(ticketBody.path("properties").has("email")).isFalse();
    }

    @Test
    void versionIsTheBuildsAndServerThePublicUrl() {
        assertThat(doc.at("/info/version").asText()).isEqualTo(BuildInfo.version()).isNotEqualTo("null").matches("\\d+\\.\\d+.*");
        assertThat(doc.at("/servers/0/url").asText()).isEqualTo("https://api.koomy.test");
    }

    @Test
    void everyOperationIdIsUniqueAndWritten() {
        Map<String, List<String>> byId = new HashMap<>();
        operations().forEach((key, op) -> byId.computeIfAbsent(op.path("operationId").asText(""), id -> new ArrayList<>()).add(key));
        byId.forEach((id, keys) -> {
            assertThat(keys).as("operations with the id '" + id + "'").hasSize(1);
            assertThat(id).as("operationId of " + keys).matches("[a-z][a-zA-Z0-9]*[a-zA-Z]")
                    .doesNotMatch("(get|post|put|patch|delete|list|create|update)");
        });
        assertThat(byId).containsKeys("registerAccount", "createCommunity", "scanTicket");
    }

    @Test
    void everyOperationHasATagSecurityASuccessAndItsErrorsInTheErrorShape() {
        assertThat(schema("Error").at("/properties/error/$ref").asText()).endsWith("/ErrorDetail");
        assertThat(schema("ErrorDetail").path("required").toString()).contains("status", "code", "message");
        operations().forEach((key, op) -> {
            assertThat(op.path("tags").size()).as(key + " tags").isGreaterThan(0);
            assertThat(op.has("security")).as(key + " security").isTrue();
            JsonNode responses = op.path("responses");
            assertThat(responses.has("default")).as(key + " answers only 'default'").isFalse();
            List<String> statuses = new ArrayList<>();
            responses.fieldNames().forEachRemaining(statuses::add);
            assertThat(statuses).as(key + " statuses").anyMatch(s -> s.startsWith("2")).contains("400", "503");
            if (op.path("security").size() > 0) {
                assertThat(statuses).as(key + " statuses").contains("401", "403");
            }
            responses.fields().forEachRemaining(r -> {
                // The health and readiness verdicts answer 503 with their own body (status, failed), as probes read it.
                if ((r.getKey().startsWith("4") || r.getKey().startsWith("5")) && !(key.equals("GET /api/health") || key.equals("GET /api/health/ready") && r.getKey().equals("503"))) {
                    assertThat(r.getValue().at("/content/application~1json/schema/$ref").asText())
                            .as(key + " " + r.getKey()).isEqualTo("#/components/schemas/Error");
                }
                if (r.getKey().equals("204") || r.getKey().equals("304")) {
                    assertThat(r.getValue().has("content")).as(key + " " + r.getKey() + " has no body").isFalse();
                } else if (r.getKey().startsWith("2") && !r.getKey().equals("202") && !key.startsWith("HEAD")) {
                    assertThat(r.getValue().path("content").size()).as(key + " " + r.getKey() + " declares its body").isGreaterThan(0);
                }
                r.getValue().path("headers").fields().forEachRemaining(h ->
                        assertThat(h.getValue().has("schema")).as(key + " " + r.getKey() + " header " + h.getKey()).isTrue());
            });
            op.path("parameters").forEach(p -> {
                if (p.path("name").asText().equals("limit")) {
                    assertThat(p.at("/schema/type").asText()).as(key + " limit").isEqualTo("integer");
                }
            });
        });
    }

    @Test
    void uploadsAreImagesAndExportsCsv() {
        operations().forEach((key, op) -> {
            if (key.startsWith("PUT") && (key.endsWith("/logo") || key.endsWith("/cover") || key.endsWith("/avatar"))
                    || key.startsWith("POST") && key.endsWith("/images")) {
                assertThat(op.at("/requestBody/content").fieldNames()).as(key).toIterable()
                        .containsExactly("image/jpeg", "image/png", "image/webp", "application/octet-stream");
                op.path("parameters").forEach(p -> assertThat(p.path("in").asText()).as(key + " " + p).isNotEqualTo("header"));
            }
            if (key.endsWith(".csv")) {
                assertThat(op.at("/responses/200/content/text~1csv/schema/format").asText()).as(key).isEqualTo("binary");
            }
        });
    }

    /**
     * Every tag an operation uses is declared with a description, and the document names a contact (Spectral's
     * operation-tag-defined and info-contact).
     */
    @Test
    void everyTagIsDeclaredWithADescriptionAndTheInfoHasAContact() {
        Map<String, String> declared = new HashMap<>();
        doc.path("tags").forEach(t -> declared.put(t.path("name").asText(), t.path("description").asText("")));
        operations().forEach((key, op) -> op.path("tags").forEach(t ->
                assertThat(declared.get(t.asText())).as(key + " tag " + t + " declared with a description").isNotBlank()));
        assertThat(doc.at("/info/contact/url").asText()).isEqualTo("https://api.koomy.test");
    }

    /**
     * A response schema requires what the server always writes: the session of a sign-in has its token, a page
     * its items; a field that may be null is nullable and not required (a page's nextCursor at the end).
     * Request schemas keep Bean Validation's rules, and the fields required only in some cases say when.
     */
    @Test
    void responsesRequireEveryFieldNotNullableAndConditionalInputSaysWhen() {
        JsonNode session = schema(doc.at("/paths/~1api~1auth~1login/post/responses/200/content/application~1json/schema/$ref").asText());
        assertThat(session.path("required").toString()).contains("\"token\"", "\"expiresAt\"");
        assertThat(session.at("/properties/token/nullable").isMissingNode()).isTrue();
        doc.path("components").path("schemas").fields().forEachRemaining(s -> s.getValue().path("properties").fields()
                .forEachRemaining(p -> {
                    boolean required = false;
                    for (JsonNode r : s.getValue().path("required")) {
                        required |= r.asText().equals(p.getKey());
                    }
                    if (required && !s.getKey().endsWith("Request") && !s.getKey().endsWith("Input")) {
                        assertThat(p.getValue().path("nullable").asBoolean(false)).as(s.getKey() + "." + p.getKey()
                                + " is required and nullable").isFalse();
                    }
                }));
        JsonNode newsletter = schema("NewslettersCreateNewsletterRequest");
        assertThat(newsletter.path("required").isMissingNode()).isTrue();
        assertThat(newsletter.at("/x-koomy-required-unless/subject").asText()).isEqualTo("newsPostId");
        assertThat(newsletter.at("/x-koomy-required-unless/body").asText()).isEqualTo("newsPostId");
        assertThat(newsletter.at("/properties/subject/description").asText()).contains("newsPostId");
        JsonNode tier = schema("DuesNewTierRequest");
        assertThat(tier.at("/x-koomy-required-when/periodStart").asText()).isEqualTo("period=custom");
        assertThat(tier.at("/x-koomy-required-when/periodEnd").asText()).isEqualTo("period=custom");
        JsonNode confirm = schema(doc.at("/paths/~1api~1me~1email~1confirm/post/requestBody/content/application~1json/schema/$ref").asText());
        assertThat(confirm.path("required").toString()).contains("\"token\"");
        assertThat(confirm.at("/properties/token/minLength").asInt()).isEqualTo(1);
        assertThat(confirm.at("/properties/token/maxLength").asInt()).isEqualTo(200);
    }

    /** docs/api.md mentions every operation of the document ("METHOD /path", parameter names aside). */
    @Test
    void docsApiMdMentionsEveryOperation() throws Exception {
        String docs = java.nio.file.Files.readString(java.nio.file.Path.of("../docs/api.md")).replaceAll("\\{\\w+}", "{}");
        List<String> missing = new ArrayList<>();
        operations().keySet().forEach(key -> {
            String route = key.replaceAll("\\{\\w+}", "{}");
            if (!java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(route) + "(?![\\w/{.-])").matcher(docs).find()) {
                missing.add(key);
            }
        });
        assertThat(missing).as("operations of the OpenAPI document that docs/api.md does not mention").isEmpty();
    }
}
