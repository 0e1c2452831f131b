package com.koomy.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import com.koomy.errors.ApiError;

/** A request body that is not the JSON we expect: 400, without echoing parser internals. */
public class JsonProcessingExceptionMapper implements ExceptionMapper<JsonProcessingException> {
    @Override
    public Response toResponse(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            // The field's name is the client's own input, cut short; nothing of ours is echoed.
            String name = unknown.getPropertyName();
            name = name == null ? "?" : name.substring(0, Math.min(name.length(), 50));
            return ErrorResponses.of(new ApiError(400, "unknown_field", "unknown field '" + name + "' for this endpoint"));
        }
        if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mismatched && !mismatched.getPath().isEmpty()) {
            // A value of the wrong type ("at": true, "segment": [...]): name the field, as validation errors do.
            String field = mismatched.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(java.util.stream.Collectors.joining("."));
            field = field.substring(0, Math.min(field.length(), 100));
            return ErrorResponses.of(new ApiError(400, "invalid_json", "field '" + field + "' has the wrong type or format",
                    java.util.Map.of("fields", java.util.List.of(java.util.Map.of("field", field, "message",
                            "wrong type or format")))));
        }
        return ErrorResponses.of(new ApiError(400, "invalid_json", "request body is not valid JSON for this endpoint"));
    }
}
