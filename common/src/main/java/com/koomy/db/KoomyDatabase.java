package com.koomy.db;

import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.jdbi3.JdbiFactory;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.DefinedAttributeTemplateEngine;

/**
 * Our tables live in schema {@value #SCHEMA}, managed by Flyway; JobRunr's live in schema
 * {@value #JOBRUNR_SCHEMA}, which JobRunr fills itself when a worker starts. Neither tool ever sees
 * the other's tables, so the order in which they first run never matters.
 */
public final class KoomyDatabase {

    public static final String SCHEMA = "koomy";
    public static final String JOBRUNR_SCHEMA = "jobrunr";

    private KoomyDatabase() {
    }

    /** A pooled Jdbi whose connections resolve unqualified names in our schema. */
    public static Jdbi jdbi(Environment environment, DataSourceFactory database, String name) {
        database.getProperties().put("currentSchema", SCHEMA);
        Jdbi jdbi = new JdbiFactory().build(environment, database, name);
        jdbi.setTemplateEngine(new SqlCommentTemplateEngine(new DefinedAttributeTemplateEngine()));
        return jdbi;
    }

    public static MigrateResult migrate(DataSourceFactory database) {
        return flyway(database).migrate();
    }

    public static Flyway flyway(DataSourceFactory database) {
        return Flyway.configure()
                .dataSource(database.getUrl(), database.getUser(), database.getPassword())
                .schemas(SCHEMA)
                .defaultSchema(SCHEMA)
                .createSchemas(true)
                .locations("classpath:db/migration")
                .load();
    }
}
