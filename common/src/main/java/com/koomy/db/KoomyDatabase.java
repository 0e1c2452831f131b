package com.koomy.db;

import com.koomy.config.KoomyConfiguration;
import com.koomy.config.MigrationsFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.jdbi3.JdbiFactory;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.DefinedAttributeTemplateEngine;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

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
        return jdbi(environment, database, pool(environment, database, name), name);
    }

    /** The pool alone (metrics under {@code name}), for a caller that needs to act on it; see {@link #jdbi}. */
    public static ManagedDataSource pool(Environment environment, DataSourceFactory database, String name) {
        database.getProperties().put("currentSchema", SCHEMA);
        return database.build(environment.metrics(), name);
    }

    /** A Jdbi on {@code pool}, which Dropwizard then manages, with its health check {@code name}. */
    public static Jdbi jdbi(Environment environment, DataSourceFactory database, ManagedDataSource pool, String name) {
        Jdbi jdbi = new JdbiFactory().build(environment, database, pool, name);
        jdbi.setTemplateEngine(new SqlCommentTemplateEngine(new DefinedAttributeTemplateEngine()));
        return jdbi;
    }

    /** A Jdbi without a pool or metrics, for one-shot commands (stripe-reconcile, operator), in our schema. */
    public static Jdbi standalone(DataSourceFactory database) {
        // Behind a transaction pooler the role's search_path (set by migrate) names our schema instead.
        String parameter = KoomyDataSourceFactory.transactionPooling(database) ? "prepareThreshold=0" : "currentSchema=" + SCHEMA;
        String url = database.getUrl() + (database.getUrl().contains("?") ? "&" : "?") + parameter;
        return Jdbi.create(url, database.getUser(), database.getPassword()).installPlugin(new SqlObjectPlugin());
    }

    public static MigrateResult migrate(DataSourceFactory database) {
        return flyway(database).migrate();
    }

    /** Migrations on the configuration's {@link KoomyConfiguration#migrationUrl()} (a direct connection). */
    public static MigrateResult migrate(KoomyConfiguration config) {
        MigrateResult result = flyway(config).migrate();
        if (KoomyDataSourceFactory.transactionPooling(config.getDatabase())) {
            searchPathOnRole(config.migrationUrl(), config.getDatabase());
        }
        return result;
    }

    /**
     * Behind a transaction pooler the pools cannot send {@code search_path} at connection start (PgBouncer
     * refuses the startup parameter, or drops it), so the role gets it in this database: every server
     * connection the pooler opens for it then starts in our schema. A role may set its own defaults; the
     * setting is per database, so other databases of the same role (test databases) keep theirs.
     */
    static void searchPathOnRole(String directUrl, DataSourceFactory database) {
        try (Connection connection = DriverManager.getConnection(directUrl, database.getUser(), database.getPassword());
             Statement statement = connection.createStatement()) {
            statement.execute("DO $$BEGIN EXECUTE format('ALTER ROLE CURRENT_USER IN DATABASE %I SET search_path = "
                    + SCHEMA + "', current_database()); END$$");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not set the role's search_path to " + SCHEMA + " (needed behind a "
                    + "transaction pooler): " + e.getMessage(), e);
        }
    }

    public static Flyway flyway(KoomyConfiguration config) {
        return flyway(config.getDatabase(), config.migrationUrl(), config.getMigrations());
    }

    /** With the default {@link MigrationsFactory} timeouts. */
    public static Flyway flyway(DataSourceFactory database) {
        return flyway(database, database.getUrl(), new MigrationsFactory());
    }

    /**
     * Every connection Flyway opens starts with the migration timeouts: placeholders {@code ${lockTimeout}} and
     * {@code ${statementTimeout}}, set by the callback {@code db/migration/afterConnect.sql}, and put back by a
     * migration that lifts them for itself (V30).
     */
    private static Flyway flyway(DataSourceFactory database, String url, MigrationsFactory migrations) {
        String lockTimeout = MigrationsFactory.setting(migrations.getLockTimeout());
        String statementTimeout = MigrationsFactory.setting(migrations.getStatementTimeout());
        FluentConfiguration configuration = Flyway.configure()
                .dataSource(url, database.getUser(), database.getPassword())
                .schemas(SCHEMA)
                .defaultSchema(SCHEMA)
                .createSchemas(true)
                .locations("classpath:db/migration")
                .placeholders(Map.of("lockTimeout", lockTimeout, "statementTimeout", statementTimeout));
        // A session advisory lock, not Flyway's default transactional one: that transaction, open on a second
        // connection for the whole run, is older than any CREATE INDEX CONCURRENTLY, which waits for every older
        // transaction to end: forever.
        configuration.getConfigurationExtension(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        return configuration.load();
    }
}
