package com.koomy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.errors.ApiError;

import java.net.http.HttpHeaders;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An API's answer as a test sees it: status, JSON body (an empty object for none) and headers (empty where the
 * reply was built by hand). Errors read back into the one {@link ApiError} shape the API writes.
 */
public record ApiReply(int status, JsonNode body, HttpHeaders headers) {

    public ApiReply(int status, JsonNode body) {
        this(status, body, HttpHeaders.of(Map.of(), (name, value) -> true));
    }

    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    /** The error's code ({@code ""} when the body is no error). */
    public String code() {
        return body.path("error").path("code").asText();
    }

    /**
     * Asserts that this is the API's error {@code status}/{@code code} with a message for people, sent as JSON
     * (when the reply has headers); returns it for further checks (details, message).
     */
    public ApiError assertError(int status, String code) {
        assertThat(this.status).as("status (body %s)", body).isEqualTo(status);
        header("Content-Type").ifPresent(type -> assertThat(type).as("content type").startsWith("application/json"));
        ApiError error = error();
        assertThat(error.status()).as("error.status").isEqualTo(status);
        assertThat(error.code()).as("error.code").isEqualTo(code);
        assertThat(error.message()).as("error.message").isNotBlank();
        return error;
    }

    /** The error in the body; fails when there is none. */
    public ApiError error() {
        return errorIn(body);
    }

    /** The error in an API error body {@code {"error": {...}}}; fails when there is none. */
    public static ApiError errorIn(JsonNode body) {
        JsonNode error = body.path("error");
        if (!error.isObject()) {
            throw new AssertionError("no API error in " + body);
        }
        JsonNode details = error.get("details");
        return new ApiError(error.path("status").asInt(), error.path("code").asText(null), error.path("message").asText(null),
                details == null || details.isNull() ? null : details);
    }
}
