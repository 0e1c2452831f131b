package com.koomy.api.fastpath;

import com.koomy.api.ApiConfiguration;
import com.koomy.api.KoomyApiApplication;
import io.dropwizard.core.setup.Environment;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The API, counting the statements it runs by the name in their leading comment ({@code /* Memberships.directory *}{@code /}). */
public class CountingApp extends KoomyApiApplication {

    private static final Map<String, AtomicLong> STATEMENTS = new ConcurrentHashMap<>();
    private static final Pattern NAME = Pattern.compile("/\\* ([A-Za-z0-9_]+\\.[A-Za-z0-9_]+) \\*/");

    /** How many statements named {@code name} ran so far. */
    static long statements(String name) {
        AtomicLong count = STATEMENTS.get(name);
        return count == null ? 0 : count.get();
    }

    @Override
    protected void addRoutes(ApiConfiguration config, Environment environment, Jdbi jdbi) {
        SqlLogger inner = jdbi.getConfig(SqlStatements.class).getSqlLogger();
        jdbi.setSqlLogger(new SqlLogger() {
            @Override
            public void logBeforeExecution(StatementContext context) {
                Matcher name = NAME.matcher(context.getRenderedSql());
                if (name.find()) {
                    STATEMENTS.computeIfAbsent(name.group(1), n -> new AtomicLong()).incrementAndGet();
                }
                inner.logBeforeExecution(context);
            }

            @Override
            public void logAfterExecution(StatementContext context) {
                inner.logAfterExecution(context);
            }

            @Override
            public void logException(StatementContext context, SQLException ex) {
                inner.logException(context, ex);
            }
        });
    }
}
