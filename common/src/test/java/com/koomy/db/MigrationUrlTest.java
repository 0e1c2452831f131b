package com.koomy.db;

import com.koomy.config.KoomyConfiguration;
import com.koomy.testing.TestDatabase;
import io.dropwizard.db.DataSourceFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migrations connect to {@code migrateUrl} (DATABASE_MIGRATE_URL) when it is set, never to the pool's URL,
 * which may be a pooler in transaction mode that cannot hold Flyway's advisory lock (issue 22).
 */
class MigrationUrlTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase(false);

    @Test
    void migrationsUseTheDirectUrlAndThePoolsUrlOtherwise() {
        KoomyConfiguration config = new KoomyConfiguration();
        DataSourceFactory pooled = db.dataSourceFactory();
        // Nothing listens there: a migration that used it would fail.
        pooled.setUrl("jdbc:postgresql://127.0.0.1:1/" + db.name() + "?connectTimeout=2");
        config.setDatabase(pooled);
        assertThat(config.migrationUrl()).isEqualTo(pooled.getUrl());

        config.setMigrateUrl(db.url());
        assertThat(KoomyDatabase.migrate(config).success).isTrue();
        long applied = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM flyway_schema_history WHERE success")
                .mapTo(Long.class).one());
        assertThat(applied).isPositive();
        assertThat(KoomyDatabase.flyway(config).info().pending()).isEmpty();
    }
}
