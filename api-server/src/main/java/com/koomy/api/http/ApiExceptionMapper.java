package com.koomy.api.http;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import com.koomy.errors.ApiError;
import com.koomy.errors.ApiException;

/**
 * Every refusal of the domain and the API ({@link ApiException}, from common or from a resource): its status,
 * code, message and details as an {@link com.koomy.errors.ApiError}, with Retry-After when it carries one
 * (rate limits, stripe_busy).
 */
public class ApiExceptionMapper implements ExceptionMapper<ApiException> {
    @Override
    public Response toResponse(ApiException e) {
        Response response = ErrorResponses.of(e.toError());
        return e.retryAfterSeconds() > 0
                ? Response.fromResponse(response).header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds()).build()
                : response;
    }
}
