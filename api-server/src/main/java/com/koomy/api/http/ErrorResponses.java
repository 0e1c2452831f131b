package com.koomy.api.http;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;
import com.koomy.errors.ApiError;

final class ErrorResponses {

    private static final Map<Integer, String> CODES = Map.ofEntries(
            Map.entry(400, "bad_request"),
            Map.entry(401, "unauthorized"),
            Map.entry(403, "forbidden"),
            Map.entry(404, "not_found"),
            Map.entry(405, "method_not_allowed"),
            Map.entry(406, "not_acceptable"),
            Map.entry(409, "conflict"),
            Map.entry(413, "payload_too_large"),
            Map.entry(415, "unsupported_media_type"),
            Map.entry(422, "invalid_request"),
            Map.entry(429, "rate_limited"),
            Map.entry(503, "unavailable"));

    private ErrorResponses() {
    }

    static String codeFor(int status) {
        return CODES.getOrDefault(status, status >= 500 ? "internal_error" : "error");
    }

    static Response of(ApiError error) {
        return Response.status(error.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }
}
