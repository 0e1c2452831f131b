package com.koomy.db;

import com.koomy.jobs.OutboxDao;
import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.DefinedAttributeTemplateEngine;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class SqlCommentTemplateEngineTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @Test
    void namesTheCallingDaoMethodInEveryStatementAndLeavesPlainQueriesAlone() {
        Jdbi jdbi = Jdbi.create(db.url() + "?currentSchema=koomy", TestDatabase.user(), TestDatabase.password())
                .installPlugin(new org.jdbi.v3.sqlobject.SqlObjectPlugin());
        jdbi.setTemplateEngine(new SqlCommentTemplateEngine(new DefinedAttributeTemplateEngine()));
        List<String> executed = new CopyOnWriteArrayList<>();
        jdbi.setSqlLogger(new SqlLogger() {
            @Override
            public void logBeforeExecution(StatementContext context) {
                executed.add(context.getRenderedSql());
            }
        });

        jdbi.useExtension(OutboxDao.class, dao -> dao.add("test", "a"));
        long pending = jdbi.withExtension(OutboxDao.class, OutboxDao::pending);
        jdbi.withExtension(OutboxDao.class, OutboxDao::pending);
        jdbi.useHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());

        assertThat(pending).isEqualTo(1);
        assertThat(executed).containsExactly(
                "/* OutboxDao.add */ INSERT INTO outbox (kind, ref) VALUES (:kind, :ref)",
                "/* OutboxDao.pending */ SELECT count(*) FROM outbox",
                "/* OutboxDao.pending */ SELECT count(*) FROM outbox",
                "SELECT 1");
    }
}
