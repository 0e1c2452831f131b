package com.koomy.api.http;

import com.koomy.db.GroupCommit;
import com.koomy.communities.CommunityLife;
import com.koomy.db.SqlStates;
import com.koomy.redis.RedisFailures;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import com.koomy.errors.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anything unexpected: logged with its stack trace (the log line carries the request id), 500 to the client.
 * An exhausted database pool is 503 {@code database_busy} with {@code Retry-After: 1} instead, and so is a
 * database that cannot be reached or refuses connections (no slot left, shutting down, disk full): the
 * request changed nothing and can be retried, which a 500 does not tell (ops/chaos pg-exhausted). A Redis that
 * is down or failing over ({@link RedisFailures}) is 503 {@code redis_unavailable} the same way.
 */
public class FallbackExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(FallbackExceptionMapper.class);
    /** Raised by refuse_when_archived() (V28): a write into an archived community. */
    private static final String ARCHIVED = "KA409";

    @Override
    public Response toResponse(Throwable e) {
        if (SqlStates.has(e, ARCHIVED::equals)) {
            // The database's one guard of archived communities refused the row (V28); the transaction rolled back.
            return ErrorResponses.of(CommunityLife.archived().toError());
        }
        if (poolExhausted(e)) {
            // Every connection busy for the whole wait (R2: fail fast): a load peak, not a bug. The client may retry.
            LOG.warn("Database pool exhausted, answering 503: {}", e.toString());
            return Response.fromResponse(ErrorResponses.of(new ApiError(503, "database_busy",
                    "the database is busy right now; retry in a moment"))).header("Retry-After", "1").build();
        }
        String sqlState = SqlStates.unavailable(e);
        if (sqlState != null) {
            LOG.warn("Database unavailable (SQLState {}), answering 503: {}", sqlState, e.toString());
            return Response.fromResponse(ErrorResponses.of(new ApiError(503, "database_unavailable",
                    "the database is unavailable right now; retry in a moment"))).header("Retry-After", "5").build();
        }
        if (RedisFailures.unavailable(e)) {
            LOG.warn("Redis unavailable, answering 503: {}", e.toString());
            return Response.fromResponse(ErrorResponses.of(new ApiError(503, "redis_unavailable",
                    "a service this request needs is unavailable right now; retry in a moment"))).header("Retry-After", "2").build();
        }
        LOG.error("Unhandled error", e);
        return ErrorResponses.of(new ApiError(500, "internal_error", "internal error"));
    }

    /** No connection for the whole wait, or a group commit's queue full or too slow: a load peak. */
    private static boolean poolExhausted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.tomcat.jdbc.pool.PoolExhaustedException
                    || (t instanceof GroupCommit.NotWritten notWritten && (notWritten.getCause() == null
                            || notWritten.getCause() instanceof java.util.concurrent.TimeoutException))) {
                return true;
            }
        }
        return false;
    }
}
