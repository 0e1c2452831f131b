package com.koomy.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plain HTTP calls to a test API (java.net.http, which speaks PATCH), and accounts to make them with.
 */
public final class ApiCalls {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

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

    /** {@code headers}: empty where the reply was built by hand. */
    public record Reply(int status, JsonNode body, java.net.http.HttpHeaders headers) {
        public Reply(int status, JsonNode body) {
            this(status, body, java.net.http.HttpHeaders.of(Map.of(), (name, value) -> true));
        }

        public java.util.Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        public String code() {
            return body.path("error").path("code").asText();
        }
    }

    /** A signed-in account: its id and session token. */
    public record User(UUID id, String email, String token) {
    }

    public Reply call(String method, String path, String token, Object body) {
        try {
            String text0 = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
            Map<String, String> sent = new java.util.LinkedHashMap<>();
            sent.put("Content-Type", "application/json");
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port.getAsInt() + path))
                    .header("Content-Type", "application/json")
                    .method(method, text0 == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(text0));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
                sent.put("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response;
            try {
                response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException stale) {
                // The client reused a kept-alive connection that Jetty had just closed (after an answer that
                // left part of a request body unread): nothing reached the server, so sending again is safe.
                if (stale.getMessage() == null || !stale.getMessage().contains("received no bytes")) {
                    throw stale;
                }
                response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            }
            check(method, path, sent, text0, response);
            String text = response.body();
            return new Reply(response.statusCode(), text == null || text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text),
                    response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Any body with its own content type (images, raw bytes) and extra headers (name, value, ...). */
    public Reply send(String method, String path, String token, String contentType, byte[] body, String... headers) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port.getAsInt() + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            Map<String, String> sent = new java.util.LinkedHashMap<>();
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
            HttpResponse<String> response;
            try {
                response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException stale) {
                // The client reused a kept-alive connection that Jetty had just closed (after an answer that
                // left part of a request body unread): nothing reached the server, so sending again is safe.
                if (stale.getMessage() == null || !stale.getMessage().contains("received no bytes")) {
                    throw stale;
                }
                response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            }
            // binary bodies are not compared with their schema (the validator reads text): a stand-in says one was sent
            check(method, path, sent, body == null || body.length == 0 ? null : contentType == null || contentType.contains("json")
                    ? new String(body, StandardCharsets.UTF_8) : "(binary)", response);
            String text = response.body();
            JsonNode json;
            try {
                json = text == null || text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
            } catch (IOException notJson) {
                json = JSON.createObjectNode().put("text", text); // CSV exports, images
            }
            return new Reply(response.statusCode(), json, response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Reply get(String path, String token) {
        return call("GET", path, token, null);
    }

    /** Registers an account with this name (and a unique email) and signs it in. */
    public User user(String name) {
        String email = name.toLowerCase().replaceAll("[^a-z]+", ".") + "-" + UUID.randomUUID().toString().substring(0, 8)
                + "@example.org";
        Reply registered = call("POST", "/api/auth/register", null,
                Map.of("email", email, "password", "correct horse battery", "name", name, "locale", "en"));
        assertThat(registered.status()).isEqualTo(201);
        Reply login = call("POST", "/api/auth/login", null, Map.of("email", email, "password", "correct horse battery"));
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
        Reply created = call("POST", "/api/communities", owner.token(),
                Map.of("name", name, "visibility", visibility, "joinPolicy", joinPolicy));
        assertThat(created.status()).isEqualTo(201);
        return UUID.fromString(created.body().get("id").asText());
    }
}
