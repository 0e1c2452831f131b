package com.koomy.api.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ResourceTests;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link OpenApiDocumentResource} alone, built as KoomyApiApplication builds it: the document, to anyone. */
class OpenApiDocumentResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.of(t -> new OpenApiDocumentResource(BuildInfo.version(), t.app().config().getPublicUrl()))
            .with(config -> config.setPublicUrl("https://api.koomy.example"));

    @Test
    void servesTheDocumentToAnyoneWithThisDeploymentsServer() {
        ApiReply document = api.anonymous().get("/api/openapi.json");

        assertThat(document.status()).isEqualTo(200);
        JsonNode doc = document.body();
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        assertThat(doc.get("info").get("title").asText()).isEqualTo("Koomy API");
        assertThat(doc.get("info").get("version").asText()).isEqualTo(BuildInfo.version());
        assertThat(doc.get("servers").get(0).get("url").asText()).isEqualTo("https://api.koomy.example");
        assertThat(doc.get("components").get("securitySchemes").fieldNames()).toIterable()
                .containsExactlyInAnyOrder(AccessOpenApiExtension.SESSION, AccessOpenApiExtension.OPERATOR_TOKEN);
        assertThat(doc.get("components").get("schemas").has(ErrorSchema.NAME)).isTrue();
        assertThat(doc.get("paths").has("/api/openapi.json")).isFalse(); // hidden
        assertThat(api.as(api.account("Reader")).get("/api/openapi.json").body()).isEqualTo(doc);
    }

    @Test
    void anotherExtensionIs404() {
        assertThat(api.anonymous().get("/api/openapi.xml").status()).isEqualTo(404);
    }
}
