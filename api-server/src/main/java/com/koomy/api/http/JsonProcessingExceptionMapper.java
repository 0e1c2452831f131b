package com.koomy.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;
import com.koomy.errors.ApiError;

/**
 * JSON that did not fit outside the request bodies {@link StrictJsonBodies} reads (those name every wrong
 * field themselves): 400 naming the field and the type it should have, without echoing parser internals.
 */
public class JsonProcessingExceptionMapper implements jakarta.ws.rs.ext.ExceptionMapper<JsonProcessingException> {
    @Override
    public Response toResponse(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException) || ((JsonMappingException) e).getPath().isEmpty()) {
            return ErrorResponses.of(new ApiError(400, "invalid_json", "request body is not valid JSON for this endpoint"));
        }
        Map<String, String> field = BodyProblems.describe("", e);
        String code = e instanceof UnrecognizedPropertyException ? "unknown_field" : "validation_failed";
        String message = e instanceof UnrecognizedPropertyException ? "unknown field '" + field.get("field") + "' for this endpoint"
                : field.get("field") + " " + field.get("message");
        return ErrorResponses.of(new ApiError(400, code, message, Map.of("fields", List.of(field))));
    }
}
