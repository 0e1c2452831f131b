package com.koomy.api.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

class OpenApiDocumentTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db);

    @Test
    void servesTheOpenApiDocumentOfEveryRoute() {
        Response response = app.client().target("http://localhost:" + app.getLocalPort() + "/api/openapi.json")
                .request().get();

        assertThat(response.getStatus()).isEqualTo(200);
        JsonNode doc = response.readEntity(JsonNode.class);
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        assertThat(doc.at("/info/title").asText()).isEqualTo("Koomy API");
        assertThat(doc.get("paths").has("/api/webhooks/stripe")).isTrue();
        assertThat(doc.at("/paths/~1api~1webhooks~1stripe/post/responses").has("503")).isTrue();
        assertThat(doc.at("/paths/~1api~1webhooks~1sendgrid/post/responses").has("503")).isTrue();
        assertThat(doc.get("paths").has("/api/health")).isTrue();
        assertThat(doc.get("paths").has("/api/openapi.{type}")).isFalse();
    }
}
