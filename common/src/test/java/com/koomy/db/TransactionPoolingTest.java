package com.koomy.db;

import com.codahale.metrics.MetricRegistry;
import com.koomy.config.KoomyConfiguration;
import com.koomy.testing.TestDatabase;
import io.dropwizard.db.ManagedDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code database.transactionPooling} (DATABASE_TRANSACTION_POOLING, issue 22): the pool sends none of the startup
 * parameters a pooler in transaction mode refuses and prepares nothing on the server, and migrations give the role
 * our schema in this database, so that its connections still find our tables. Through a real PgBouncer:
 * the worker's *ThroughPgBouncerIT tests.
 */
class TransactionPoolingTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase(false);

    @Test
    void thePoolSendsNoSessionParametersAndTheRoleCarriesTheSchema() throws Exception {
        KoomyDataSourceFactory pooled = new KoomyDataSourceFactory();
        pooled.setDriverClass("org.postgresql.Driver");
        pooled.setUrl(db.url());
        pooled.setUser(TestDatabase.user());
        pooled.setPassword(TestDatabase.password());
        pooled.setTransactionPooling(true);
        pooled.setProperties(new HashMap<>(Map.of("options", "-c synchronous_commit=off", "ApplicationName", "pooling-test")));
        KoomyConfiguration config = new KoomyConfiguration();
        config.setDatabase(pooled);
        config.setMigrateUrl(db.url());
        KoomyDatabase.migrate(config);

        pooled.getProperties().put("currentSchema", KoomyDatabase.SCHEMA); // as KoomyDatabase.pool puts it
        ManagedDataSource pool = pooled.build(new MetricRegistry(), "pooling-test");
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            assertThat(pooled.getProperties()).doesNotContainKeys("currentSchema", "options")
                    .containsEntry("prepareThreshold", "0");
            assertThat(connection.unwrap(PGConnection.class).getPrepareThreshold()).isZero();
            assertThat(value(statement, "SELECT current_schema()")).isEqualTo(KoomyDatabase.SCHEMA); // from the role
            assertThat(value(statement, "SHOW synchronous_commit")).isEqualTo("on");
            assertThat(value(statement, "SELECT count(*) FROM flyway_schema_history")).isNotEqualTo("0");
        } finally {
            pool.stop();
        }
        // Set for this database only: the role's other databases (other stacks, other tests) keep theirs.
        String setting = db.jdbi().withHandle(h -> h.createQuery(
                "SELECT array_to_string(s.setconfig, ',') FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole "
                        + "JOIN pg_database d ON d.oid = s.setdatabase WHERE r.rolname = current_user AND d.datname = current_database()")
                .mapTo(String.class).one());
        assertThat(setting).contains("search_path=koomy");
    }

    @Test
    void onlyAPoolBehindAPoolerChangesItsPropertiesAndAnExplicitPrepareThresholdStays() {
        KoomyDataSourceFactory direct = new KoomyDataSourceFactory();
        assertThat(KoomyDataSourceFactory.transactionPooling(direct)).isFalse();
        Map<String, String> properties = new HashMap<>(Map.of("currentSchema", "koomy", "prepareThreshold", "5"));
        KoomyDataSourceFactory.forTransactionPooling(properties, "t");
        assertThat(properties).containsExactly(Map.entry("prepareThreshold", "5")); // an explicit choice is kept
    }

    private static String value(Statement statement, String sql) throws Exception {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
