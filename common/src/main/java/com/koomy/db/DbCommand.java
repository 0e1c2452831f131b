package com.koomy.db;

import com.koomy.config.KoomyConfiguration;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * {@code db migrate CONFIG} applies pending migrations; {@code db info CONFIG} lists them. Both connect to
 * {@code migrateUrl} (DATABASE_MIGRATE_URL) when set: Flyway holds a session advisory lock, which a pooler in
 * transaction mode (PgBouncer) cannot keep, so migrations go to PostgreSQL directly.
 */
public class DbCommand<T extends KoomyConfiguration> extends ConfiguredCommand<T> {

    private final Class<T> configurationClass;

    public DbCommand(Application<T> application) {
        super("db", "Apply (migrate) or list (info) the database migrations");
        this.configurationClass = application.getConfigurationClass();
    }

    @Override
    protected Class<T> getConfigurationClass() {
        return configurationClass;
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("action").choices("migrate", "info").help("migrate or info");
        super.configure(subparser);
    }

    @Override
    protected void run(Bootstrap<T> bootstrap, Namespace namespace, T configuration) {
        if ("migrate".equals(namespace.getString("action"))) {
            MigrateResult result = KoomyDatabase.migrate(configuration);
            // Flyway's targetSchemaVersion is null when nothing was applied: ask for the current version instead.
            MigrationInfo current = KoomyDatabase.flyway(configuration).info().current();
            System.out.printf("Applied %d migration(s); schema %s is at version %s%n", result.migrationsExecuted,
                    KoomyDatabase.SCHEMA, current == null ? "none (no migration applied)" : current.getVersion());
        } else {
            for (MigrationInfo info : KoomyDatabase.flyway(configuration).info().all()) {
                System.out.printf("%-6s %-40s %s%n", info.getVersion(), info.getDescription(), info.getState());
            }
        }
    }
}
