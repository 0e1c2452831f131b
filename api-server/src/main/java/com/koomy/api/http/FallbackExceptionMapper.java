package com.koomy.api.http;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Anything unexpected: logged with its stack trace (the log line carries the request id), 500 to the client. */
public class FallbackExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(FallbackExceptionMapper.class);

    @Override
    public Response toResponse(Throwable e) {
        LOG.error("Unhandled error", e);
        return ErrorResponses.of(new ApiError(500, "internal_error", "internal error"));
    }
}
