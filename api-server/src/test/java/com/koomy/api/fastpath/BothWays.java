package com.koomy.api.fastpath;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.api.ratelimit.RateLimiter;
import com.koomy.errors.ApiException;
import com.koomy.testing.TestRedis;
import io.dropwizard.testing.junit5.DropwizardAppExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same request to an API with fast paths on and to one with them off (same database, each its own Redis
 * space), and the check that both answer alike: status, the headers that matter, the JSON body.
 */
final class BothWays {

    /** The headers a client acts on. */
    static final List<String> HEADERS = List.of("Content-Type", "ETag", "Retry-After", "WWW-Authenticate",
            "Cache-Control", "Vary");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DropwizardAppExtension<ApiConfiguration> fast;
    private final DropwizardAppExtension<ApiConfiguration> slow;

    BothWays(DropwizardAppExtension<ApiConfiguration> fast, DropwizardAppExtension<ApiConfiguration> slow) {
        this.fast = fast;
        this.slow = slow;
    }

    /** An account signed in on both APIs: a session in each one's Redis space. */
    record Caller(UUID id, String fastToken, String slowToken) {
        static final Caller ANONYMOUS = new Caller(null, null, null);
        static final Caller UNKNOWN_SESSION = new Caller(null, "not-a-session", "not-a-session");
    }

    Caller caller(UUID accountId) {
        return new Caller(accountId, ApiTestApp.sessions(fast).create(accountId).token(),
                ApiTestApp.sessions(slow).create(accountId).token());
    }

    record Answer(int status, JsonNode body, java.net.http.HttpHeaders headers) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    static Answer send(int port, String method, String path, String token, String contentType, byte[] body,
                       String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = response.body().isEmpty() ? null : JSON.readTree(response.body());
            } catch (IOException notJson) {
                json = JSON.getNodeFactory().textNode(response.body());
            }
            return new Answer(response.statusCode(), json, response.headers());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The request to each API (fast first); returns both answers after checking they are alike. */
    Answer[] same(String label, String method, String path, Caller caller, String contentType, byte[] body,
                  String... headers) {
        Answer one = send(fast.getLocalPort(), method, path, caller.fastToken(), contentType, body, headers);
        Answer two = send(slow.getLocalPort(), method, path, caller.slowToken(), contentType, body, headers);
        alike(label, one, two);
        return new Answer[]{one, two};
    }

    /** Asserts the two answers alike, {@code ignoring} these top-level body fields. */
    static void alike(String label, Answer one, Answer two, String... ignoring) {
        assertThat(one.status()).as(label + ": status (fast, slow): " + one.body() + " / " + two.body())
                .isEqualTo(two.status());
        for (String header : HEADERS) {
            if (header.equals("Retry-After") && one.header(header) != null && two.header(header) != null) {
                // Each API's bucket refills on its own clock since its first use: the wait may differ by seconds.
                assertThat(Long.parseLong(one.header(header))).as(label + ": Retry-After")
                        .isCloseTo(Long.parseLong(two.header(header)), org.assertj.core.data.Offset.offset(10L));
            } else {
                assertThat(one.header(header)).as(label + ": " + header).isEqualTo(two.header(header));
            }
        }
        assertThat(waits(without(one.body(), ignoring))).as(label + ": body").isEqualTo(waits(without(two.body(), ignoring)));
    }

    /** The body with a rate limit's "retry in N s" made N-free (see Retry-After above). */
    private static String waits(JsonNode body) {
        return body == null ? null : body.toString().replaceAll("retry in \\d+ s", "retry in N s");
    }

    private static JsonNode without(JsonNode body, String... fields) {
        if (body instanceof ObjectNode object && fields.length > 0) {
            ObjectNode copy = object.deepCopy();
            copy.remove(List.of(fields));
            return copy;
        }
        return body;
    }

    /**
     * Spends every token of {@code policy} for {@code subject} in both APIs' limiters, runs {@code check},
     * then gives the tokens back.
     */
    void exhausted(String policy, String subject, Runnable check) {
        List<Runnable> refunds = new ArrayList<>();
        for (DropwizardAppExtension<ApiConfiguration> app : List.of(fast, slow)) {
            RateLimiter limiter = app.getConfiguration().getRateLimits().build(TestRedis.client(), ApiTestApp.keys(app),
                    new MetricRegistry());
            long spent = 0;
            try {
                while (spent < 100_000) {
                    limiter.check(policy, subject);
                    spent++;
                }
            } catch (ApiException refused) {
                assertThat(refused.status()).isEqualTo(429);
            }
            long tokens = spent;
            refunds.add(() -> limiter.giveBack(policy, subject, tokens));
        }
        try {
            check.run();
        } finally {
            refunds.forEach(Runnable::run);
        }
    }
}
