package com.koomy.api.http;

import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.TestStack;
import io.dropwizard.testing.ConfigOverride;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JSON bodies sent without a Content-Length (chunked) are read by {@link JsonBodyLimitFilter} up to the limit,
 * then handed on whole to the resource, or refused with 413 before any of it reaches Jackson.
 */
class ChunkedJsonBodiesIntegrationTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = ApiTestApp.stack(ConfigOverride.config("maxJsonBody", "4KiB"));

    private HttpResponse<String> registerChunked(String email, String password) throws Exception {
        byte[] body = ("{\"email\":\"" + email + "\",\"password\":\"" + password
                + "\",\"name\":\"Chunked Ada\",\"locale\":\"en\"}").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + stack.app.getLocalPort() + "/api/auth/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private long accounts(String email) {
        return stack.db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM accounts WHERE email = :e AND name = 'Chunked Ada'")
                .bind("e", email).mapTo(Long.class).one());
    }

    @Test
    void aChunkedBodyUnderTheLimitReachesTheResourceWhole() throws Exception {
        String email = "chunked-" + UUID.randomUUID() + "@example.org";
        HttpResponse<String> registered = registerChunked(email, "correct horse battery");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        assertThat(accounts(email)).isOne();
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWith413() throws Exception {
        String email = "chunked-" + UUID.randomUUID() + "@example.org";
        HttpResponse<String> refused = registerChunked(email, "p".repeat(5000));
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.body()).contains("payload_too_large");
        assertThat(accounts(email)).isZero();
    }
}
