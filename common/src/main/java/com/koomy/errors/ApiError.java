package com.koomy.errors;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one error shape of the API: HTTP status, a stable machine-readable code, a sentence for people
 * and, where it helps a client fix its request, details (for example the invalid fields). Serialised as
 * {@code {"error": {"status": 400, "code": "validation_failed", "message": "…", "details": {…}}}}.
 */
public record ApiError(int status, String code, String message, Object details) {

    public ApiError(int status, String code, String message) {
        this(status, code, message, null);
    }

    @JsonValue
    public Map<String, Object> json() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("status", status);
        error.put("code", code);
        error.put("message", message);
        if (details != null) {
            error.put("details", details);
        }
        return Map.of("error", error);
    }
}
