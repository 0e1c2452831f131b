package com.koomy.api.http;

import jakarta.ws.rs.core.Response;
import com.koomy.errors.ApiError;
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

    @Test
    void anUnreachableOrFullDatabaseIsUnavailableNotAnInternalError() {
        // A real refusal from the driver: nothing listens on port 1.
        Throwable refused = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                () -> java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:1/koomy?connectTimeout=2", "koomy", "koomy"));
        Response unreachable = mapper.toResponse(new ConnectionException(refused));
        assertThat(unreachable.getStatus()).isEqualTo(503);
        assertThat(((ApiError) unreachable.getEntity()).code()).isEqualTo("database_unavailable");
        assertThat(unreachable.getHeaderString("Retry-After")).isEqualTo("5");

        // What PostgreSQL answers when every slot is taken (53300) or it is shutting down (57P01).
        for (String state : new String[]{"53300", "53100", "57P01", "57P03"}) {
            Response full = mapper.toResponse(new ConnectionException(new java.sql.SQLException("refused", state)));
            assertThat(full.getStatus()).as(state).isEqualTo(503);
        }
        // A write on a server that no longer takes writes (a demoted primary, a standby): the driver's own 25006.
        Throwable readOnly = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class, () -> {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(com.koomy.testing.TestDatabase.adminUrl(),
                    com.koomy.testing.TestDatabase.user(), com.koomy.testing.TestDatabase.password());
                 java.sql.Statement s = c.createStatement()) {
                s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
                s.execute("CREATE TEMPORARY TABLE refused (x int)");
            }
        });
        assertThat(((java.sql.SQLException) readOnly).getSQLState()).isEqualTo("25006");
        Response demoted = mapper.toResponse(new RuntimeException(readOnly));
        assertThat(demoted.getStatus()).isEqualTo(503);
        assertThat(((ApiError) demoted.getEntity()).code()).isEqualTo("database_unavailable");
        assertThat(demoted.getHeaderString("Retry-After")).isEqualTo("5");

        // Tomcat's pool when the connection it opened to replace a read-only one fails the validation query too.
        Response stillReadOnly = mapper.toResponse(new ConnectionException(
                new java.sql.SQLException("Failed to validate a newly established connection.")));
        assertThat(stillReadOnly.getStatus()).isEqualTo(503);
        assertThat(((ApiError) stillReadOnly.getEntity()).code()).isEqualTo("database_unavailable");

        // A constraint violation is the request's doing, and an unmapped one is a bug: still 500.
        Response unique = mapper.toResponse(new RuntimeException(new java.sql.SQLException("duplicate key", "23505")));
        assertThat(unique.getStatus()).isEqualTo(500);
    }
}
