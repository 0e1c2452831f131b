package com.koomy.testing;

import com.koomy.db.KoomyDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Copies of the template are what running every migration gives, and templates of live runs are never dropped. */
class MigratedTemplateTest {

    /** Tables, columns, indexes, constraints and the Flyway history: what the migrations made. */
    private static final String SCHEMA = """
            SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
                   || ' ' || coalesce(column_default, '')
              FROM information_schema.columns WHERE table_schema = 'koomy'
            UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'koomy'
            UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
              FROM pg_constraint WHERE connamespace = 'koomy'::regnamespace
            UNION ALL SELECT 'function ' || p.oid::regprocedure || ' ' || md5(prosrc)
              FROM pg_proc p WHERE pronamespace = 'koomy'::regnamespace
            UNION ALL SELECT 'trigger ' || c.relname || ' ' || pg_get_triggerdef(t.oid)
              FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
             WHERE NOT t.tgisinternal AND c.relnamespace = 'koomy'::regnamespace
            UNION ALL SELECT 'view ' || viewname || ' ' || definition FROM pg_views WHERE schemaname = 'koomy'
            UNION ALL SELECT 'migration ' || coalesce(version, description) || ' ' || coalesce(checksum, 0) || ' '
                   || success FROM flyway_schema_history
            ORDER BY 1
            """;

    @RegisterExtension
    static TestDatabase copy = new TestDatabase();

    @RegisterExtension
    static TestDatabase migrated = new TestDatabase(false);

    @Test
    void aCopyHasWhatRunningEveryMigrationGives() {
        KoomyDatabase.migrate(migrated.dataSourceFactory());

        List<String> expected = schema(migrated.jdbi());
        assertThat(expected).anyMatch(line -> line.startsWith("index ")).anyMatch(line -> line.startsWith("migration 36 "));
        assertThat(schema(copy.jdbi())).isEqualTo(expected);
        assertThat(KoomyDatabase.flyway(copy.dataSourceFactory()).info().pending()).isEmpty();
    }

    @Test
    void aCopysWritesStayInIt() throws SQLException {
        copy.jdbi().useHandle(h -> h.execute("CREATE TABLE scratch (id int)"));

        TestDatabase next = new TestDatabase().create();
        try {
            boolean absent = next.jdbi().withHandle(h -> h.createQuery("SELECT to_regclass('scratch') IS NULL")
                    .mapTo(Boolean.class).one());
            assertThat(absent).isTrue();
        } finally {
            next.admin("DROP DATABASE " + next.name());
        }
    }

    @Test
    void onlyOldTemplatesNoSessionClaimsAreDropped() throws SQLException {
        Instant now = Instant.now();
        long old = now.minus(MigratedTemplate.ABANDONED).minus(Duration.ofMinutes(1)).getEpochSecond();
        String abandoned = MigratedTemplate.PREFIX + old + "_0000dead";
        String claimed = MigratedTemplate.PREFIX + old + "_0000a11e";
        String young = MigratedTemplate.PREFIX + now.getEpochSecond() + "_0000beef";
        for (String name : List.of(abandoned, claimed, young)) {
            copy.admin("CREATE DATABASE " + name);
        }
        try (Connection claim = copy.adminConnection(claimed)) {
            MigratedTemplate.dropAbandoned(copy, now);

            assertThat(databases()).doesNotContain(abandoned).contains(claimed, young);
        } finally {
            for (String name : List.of(abandoned, claimed, young)) {
                copy.admin("DROP DATABASE IF EXISTS " + name);
            }
        }
    }

    private static List<String> schema(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery(SCHEMA).mapTo(String.class).list());
    }

    private static List<String> databases() {
        return Jdbi.create(TestDatabase.adminUrl(), TestDatabase.user(), TestDatabase.password())
                .withHandle(h -> h.createQuery("SELECT datname FROM pg_database").mapTo(String.class).list());
    }
}
