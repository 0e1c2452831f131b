package com.koomy.api;

import com.koomy.testing.ApiHttp;
import com.koomy.testing.ApiReply;
import org.jdbi.v3.core.Jdbi;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP calls to a test API ({@link ApiHttp}) checked against the OpenAPI document, and accounts to make them with.
 */
public final class ApiCalls {

    private final IntSupplier port;
    private final boolean contract;

    /** Calls checked against the served OpenAPI document ({@link ContractCheck}); see {@link #withoutContract()}. */
    public ApiCalls(IntSupplier port) {
        this(port, true);
    }

    private ApiCalls(IntSupplier port, boolean contract) {
        this.port = port;
        this.contract = contract;
    }

    /**
     * The same calls, each checked against the served OpenAPI document ({@link ContractCheck}): a mismatch
     * fails the test that made the call. The default; kept so that a class says it relies on it.
     */
    public ApiCalls checkingContract() {
        return new ApiCalls(port, true);
    }

    /**
     * The same calls, unchecked: only for a test class whose calls the document cannot describe yet, with a
     * comment saying why (docs/api.md, "The OpenAPI document").
     */
    public ApiCalls withoutContract() {
        return new ApiCalls(port, false);
    }

    private void check(String method, String path, Map<String, String> headers, String body, HttpResponse<String> response) {
        if (contract) {
            ContractCheck.check(port.getAsInt(), method, path, headers, body, response);
        }
    }

    /** A signed-in account: its id and session token. */
    public record User(UUID id, String email, String token) {
    }

    public ApiReply call(String method, String path, String token, Object body) {
        String text = body == null ? null : ApiHttp.json(body);
        Map<String, String> sent = new LinkedHashMap<>();
        sent.put("Content-Type", "application/json");
        if (token != null) {
            sent.put("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = ApiHttp.send(ApiHttp.request(baseUrl(), method, path, token, text));
        check(method, path, sent, text, response);
        return ApiHttp.reply(response, false);
    }

    /** Any body with its own content type (images, raw bytes) and extra headers (name, value, ...). */
    public ApiReply send(String method, String path, String token, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        Map<String, String> sent = new LinkedHashMap<>();
        if (contentType != null) {
            request.header("Content-Type", contentType);
            sent.put("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
            sent.put("Authorization", "Bearer " + token);
        }
        if (headers.length > 0) {
            request.headers(headers);
            for (int i = 0; i + 1 < headers.length; i += 2) {
                sent.put(headers[i], headers[i + 1]);
            }
        }
        HttpResponse<String> response = ApiHttp.send(request);
        // binary bodies are not compared with their schema (the validator reads text): a stand-in says one was sent
        check(method, path, sent, body == null || body.length == 0 ? null : contentType == null || contentType.contains("json")
                ? new String(body, StandardCharsets.UTF_8) : "(binary)", response);
        return ApiHttp.reply(response, true); // CSV exports, images: {"text": ...}
    }

    /** A GET of a download (a CSV export) as a client makes it: the body as text, unchecked by the contract. */
    public HttpResponse<String> download(String path, String token) {
        return ApiHttp.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).GET());
    }

    /** A Jersey client's answer (DropwizardAppExtension#client, ResourceExtension#target) as a reply, closed. */
    public static ApiReply reply(jakarta.ws.rs.core.Response response) {
        try (response) {
            String text = response.readEntity(String.class);
            Map<String, List<String>> headers = new HashMap<>(response.getStringHeaders());
            return new ApiReply(response.getStatus(), text == null || text.isEmpty() ? ApiHttp.JSON.createObjectNode()
                    : ApiHttp.JSON.readTree(text), HttpHeaders.of(headers, (name, value) -> true));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String baseUrl() {
        return "http://localhost:" + port.getAsInt();
    }

    public ApiReply get(String path, String token) {
        return call("GET", path, token, null);
    }

    /** Registers an account with this name (and a unique email) and signs it in. */
    public User user(String name) {
        String email = name.toLowerCase().replaceAll("[^a-z]+", ".") + "-" + UUID.randomUUID().toString().substring(0, 8)
                + "@example.org";
        ApiReply registered = call("POST", "/api/auth/register", null,
                Map.of("email", email, "password", "correct horse battery", "name", name, "locale", "en"));
        assertThat(registered.status()).isEqualTo(201);
        ApiReply login = call("POST", "/api/auth/login", null, Map.of("email", email, "password", "correct horse battery"));
        assertThat(login.status()).isEqualTo(200);
        return new User(UUID.fromString(registered.body().get("id").asText()), email, login.body().get("token").asText());
    }

    /**
     * Verifies the user's email address as they would: the token of the last verification email sent to
     * them (read from the outbox in {@code jdbi}'s database) posted to {@code /api/auth/verify-email}.
     */
    public void verifyEmail(User user, Jdbi jdbi) {
        String url = jdbi.withHandle(h -> h.createQuery("""
                        SELECT variables ->> 'verifyUrl' FROM emails
                         WHERE template = 'email_verification' AND recipients -> 0 ->> 'email' = :email
                         ORDER BY created_at DESC LIMIT 1
                        """).bind("email", user.email()).mapTo(String.class).one());
        String token = URLDecoder.decode(url.substring(url.indexOf("token=") + 6), StandardCharsets.UTF_8);
        assertThat(call("POST", "/api/auth/verify-email", null, Map.of("token", token)).status()).isEqualTo(204);
    }

    /** A community created by {@code owner}; returns its id. */
    public UUID community(User owner, String name, String visibility, String joinPolicy) {
        ApiReply created = call("POST", "/api/communities", owner.token(),
                Map.of("name", name, "visibility", visibility, "joinPolicy", joinPolicy));
        assertThat(created.status()).isEqualTo(201);
        return UUID.fromString(created.body().get("id").asText());
    }
}
