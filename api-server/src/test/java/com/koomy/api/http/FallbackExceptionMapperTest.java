package com.koomy.api.http;

import jakarta.ws.rs.core.Response;
import org.apache.tomcat.jdbc.pool.PoolExhaustedException;
import org.jdbi.v3.core.ConnectionException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FallbackExceptionMapperTest {

    private final FallbackExceptionMapper mapper = new FallbackExceptionMapper();

    @Test
    void anExhaustedPoolIsABusyDatabaseToRetryNotAnInternalError() {
        Response busy = mapper.toResponse(new ConnectionException(new PoolExhaustedException("Timeout: Pool empty")));
        assertThat(busy.getStatus()).isEqualTo(503);
        assertThat(busy.getHeaderString("Retry-After")).isEqualTo("1");
        assertThat(((ApiError) busy.getEntity()).code()).isEqualTo("database_busy");

        Response bug = mapper.toResponse(new IllegalStateException("a bug"));
        assertThat(bug.getStatus()).isEqualTo(500);
        assertThat(((ApiError) bug.getEntity()).code()).isEqualTo("internal_error");
    }
}
