package com.koomy.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** A request body that is not the JSON we expect: 400, without echoing parser internals. */
public class JsonProcessingExceptionMapper implements ExceptionMapper<JsonProcessingException> {
    @Override
    public Response toResponse(JsonProcessingException e) {
        return ErrorResponses.of(new ApiError(400, "invalid_json", "request body is not valid JSON for this endpoint"));
    }
}
