package com.koomy.api.ratelimit;

import com.koomy.api.http.ApiError;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

public class RateLimitExceptionMapper implements ExceptionMapper<RateLimitExceededException> {

    @Override
    public Response toResponse(RateLimitExceededException e) {
        int status = e.unavailable() ? 503 : 429;
        return Response.status(status)
                .header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(status, e.unavailable() ? "rate_limit_unavailable" : "rate_limited", e.getMessage()))
                .build();
    }
}
