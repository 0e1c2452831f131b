package com.koomy.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A local HTTP server answering like OpenAI's {@code POST /v1/chat/completions} (status codes, headers and bodies
 * as it sends them), and those answers for a test's own WireMock (scenarios); the official client reaches it
 * through {@code openai.baseUrl} = {@link #apiBaseUrl()}.
 */
public final class OpenAiStub implements AutoCloseable {

    public static final String PATH = "/v1/chat/completions";
    public static final String MODEL = "gpt-4o-mini-2024-07-18";

    private final WireMockServer server;

    /** On a free port, answering every completion with {@code content}. */
    public OpenAiStub(String content, int promptTokens, int completionTokens) {
        this(options().dynamicPort(), content, promptTokens, completionTokens);
    }

    public OpenAiStub(WireMockConfiguration options, String content, int promptTokens, int completionTokens) {
        server = new WireMockServer(options);
        server.start();
        server.stubFor(post(urlEqualTo(PATH)).willReturn(completion(content, promptTokens, completionTokens)));
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** What {@code openai.baseUrl} takes: the base URL with OpenAI's {@code /v1}. */
    public String apiBaseUrl() {
        return baseUrl() + "/v1";
    }

    /** The bodies of the completions asked for, in order. */
    public List<String> requests() {
        return server.findAll(postRequestedFor(urlEqualTo(PATH))).stream().map(r -> r.getBodyAsString()).toList();
    }

    @Override
    public void close() {
        server.stop();
    }

    public static ResponseDefinitionBuilder completion(String content, int promptTokens, int completionTokens) {
        String body = """
                {
                  "id": "chatcmpl-BRvXq3kJ1f7aZb2Yc9LmN0pQrStU",
                  "object": "chat.completion",
                  "created": 1745829101,
                  "model": "%s",
                  "choices": [{
                    "index": 0,
                    "message": {"role": "assistant", "content": %s, "refusal": null, "annotations": []},
                    "logprobs": null,
                    "finish_reason": "stop"
                  }],
                  "usage": {
                    "prompt_tokens": %d,
                    "completion_tokens": %d,
                    "total_tokens": %d,
                    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                    "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                                  "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
                  },
                  "service_tier": "default",
                  "system_fingerprint": "fp_0392822090"
                }
                """.formatted(MODEL, json(content), promptTokens, completionTokens, promptTokens + completionTokens);
        return aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("openai-organization", "user-koomytest")
                .withHeader("openai-processing-ms", "812")
                .withHeader("openai-version", "2020-10-01")
                .withHeader("x-ratelimit-limit-requests", "10000")
                .withHeader("x-ratelimit-remaining-requests", "9999")
                .withHeader("x-ratelimit-reset-requests", "6ms")
                .withHeader("x-request-id", "req_5f1c0e9b2d7a4c3e8f6a1b2c3d4e5f60")
                .withBody(body);
    }

    public static ResponseDefinitionBuilder rateLimited() {
        return aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withHeader("retry-after", "20")
                .withHeader("x-ratelimit-limit-requests", "3")
                .withHeader("x-ratelimit-remaining-requests", "0")
                .withHeader("x-ratelimit-reset-requests", "20s")
                .withHeader("x-ratelimit-reset-tokens", "6ms")
                .withHeader("x-request-id", "req_a1b2c3d4e5f60718293a4b5c6d7e8f90")
                .withBody("""
                        {"error": {"message": "Rate limit reached for gpt-4o-mini in organization org-koomytest on \
                        requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.", \
                        "type": "requests", "param": null, "code": "rate_limit_exceeded"}}
                        """);
    }

    public static ResponseDefinitionBuilder serverError() {
        return aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-request-id", "req_0f9e8d7c6b5a49382716a5b4c3d2e1f0")
                .withBody("""
                        {"error": {"message": "The server had an error while processing your request. Sorry about that!", \
                        "type": "server_error", "param": null, "code": null}}
                        """);
    }

    public static ResponseDefinitionBuilder badRequest() {
        return aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("""
                        {"error": {"message": "Invalid 'max_completion_tokens': integer above maximum value.", \
                        "type": "invalid_request_error", "param": "max_completion_tokens", "code": "integer_above_max_value"}}
                        """);
    }

    private static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
