package com.koomy.api.http;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anything unexpected: logged with its stack trace (the log line carries the request id), 500 to the client.
 * An exhausted database pool is 503 {@code database_busy} with {@code Retry-After: 1} instead.
 */
public class FallbackExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(FallbackExceptionMapper.class);

    @Override
    public Response toResponse(Throwable e) {
        if (poolExhausted(e)) {
            // Every connection busy for the whole wait (R2: fail fast): a load peak, not a bug. The client may retry.
            LOG.warn("Database pool exhausted, answering 503: {}", e.toString());
            return Response.fromResponse(ErrorResponses.of(new ApiError(503, "database_busy",
                    "the database is busy right now; retry in a moment"))).header("Retry-After", "1").build();
        }
        LOG.error("Unhandled error", e);
        return ErrorResponses.of(new ApiError(500, "internal_error", "internal error"));
    }

    private static boolean poolExhausted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.tomcat.jdbc.pool.PoolExhaustedException) {
                return true;
            }
        }
        return false;
    }
}
