package com.koomy.api.db;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.db.KoomyDataSourceFactory;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.util.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL failover as the API sees it (issue 22): the primary it is connected to stops taking writes (demoted
 * to a standby, or the database made read-only) and its sessions end. Here the test's own database is made
 * read-only ({@code ALTER DATABASE ... SET default_transaction_read_only = on}, which new sessions get) and its
 * sessions are terminated, as a demotion's restart does. Writes then answer 503 {@code database_unavailable} with
 * Retry-After, never 500, and the API writes again by itself once the database takes writes again: the pool's
 * validation query refuses read-only connections and replaces them.
 */
class ReadOnlyDatabaseTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    /** As configured (config/api.yml): new connections only to a server that takes writes (targetServerType=primary). */
    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db);

    /**
     * With targetServerType=any (a URL whose only host is a proxy, or an operator's override): the driver connects
     * to the read-only server, writes fail with SQLSTATE 25006 and only the validation query gets the pool off it.
     */
    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> anyServer = ApiTestApp.on(db,
            ConfigOverride.config("database.properties.targetServerType", "any"));

    @AfterEach
    void writable() throws SQLException {
        readOnly(false);
    }

    @Test
    void writesAnswer503WhileTheDatabaseIsReadOnlyAndTheApiRecoversByItself() throws Exception {
        for (DropwizardAppExtension<ApiConfiguration> instance : List.of(app, anyServer)) {
            ApiCalls api = new ApiCalls(instance::getLocalPort);
            User owner = api.user("Ada Failover");
            api.community(owner, "Before the failover", "public", "open");

            readOnly(true);
            // The 503 is not in each route's documented answers: the contract check would refuse it.
            ApiCalls refused = api.withoutContract();
            for (int attempt = 0; attempt < 6; attempt++) {
                ApiReply reply = refused.call("POST", "/api/communities", owner.token(),
                        Map.of("name", "During the failover " + attempt, "visibility", "public", "joinPolicy", "open"));
                assertThat(reply.status()).as(reply.body().toString()).isEqualTo(503);
                assertThat(reply.code()).isEqualTo("database_unavailable");
                assertThat(reply.header("Retry-After")).contains("5");
                Thread.sleep(500); // across the pool's validationInterval (2 s): checked and replaced connections too
            }

            readOnly(false);
            await().atMost(java.time.Duration.ofSeconds(20)).pollInterval(java.time.Duration.ofMillis(250)).until(() ->
                    refused.call("POST", "/api/communities", owner.token(),
                            Map.of("name", "After the failover", "visibility", "public", "joinPolicy", "open")).status() == 201);
            assertThat(count("SELECT count(*) FROM communities WHERE name LIKE 'During the failover%'")).isZero();
        }
    }

    @Test
    void theValidationQueryRefusesAReadOnlyConnectionAndThePoolReplacesIt() throws Exception {
        DataSourceFactory config = app.getConfiguration().getDatabase();
        List<String> queries = List.of(config.getValidationQuery().orElseThrow(), workerQuery("database"), workerQuery("jobs"));
        try (Connection connection = DriverManager.getConnection(db.url(), TestDatabase.user(), TestDatabase.password());
             Statement statement = connection.createStatement()) {
            for (String query : queries) {
                statement.execute(query); // a primary passes
            }
            statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"); // what a standby's sessions are
            for (String query : queries) {
                assertThatThrownBy(() -> statement.execute(query)).as(query).isInstanceOf(SQLException.class);
            }
        }

        // A pool of one connection with the API's checks: the read-only connection is dropped at its next borrow.
        KoomyDataSourceFactory one = new KoomyDataSourceFactory();
        one.setDriverClass(config.getDriverClass());
        one.setUrl(db.url());
        one.setUser(TestDatabase.user());
        one.setPassword(TestDatabase.password());
        one.setProperties(Map.of("targetServerType", "any"));
        one.setValidationQuery(config.getValidationQuery().orElseThrow());
        one.setCheckConnectionOnBorrow(config.getCheckConnectionOnBorrow());
        one.setCheckConnectionOnConnect(config.getCheckConnectionOnConnect());
        one.setValidationInterval(Duration.milliseconds(1));
        one.setInitialSize(1);
        one.setMinSize(1);
        one.setMaxSize(1);
        ManagedDataSource pool = one.build(new MetricRegistry(), "read-only-test");
        try {
            int first;
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                first = pid(statement);
                statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
            }
            Thread.sleep(10);
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(pid(statement)).as("a new session").isNotEqualTo(first);
                statement.execute("CREATE TEMPORARY TABLE written (x int)"); // and it takes writes
            }
        } finally {
            pool.stop();
        }
    }

    private static String workerQuery(String pool) throws Exception {
        JsonNode worker = new ObjectMapper(new YAMLFactory()).readTree(Path.of("../config/worker.yml").toFile());
        JsonNode database = "jobs".equals(pool) ? worker.path("jobs").path("database") : worker.path("database");
        return database.path("validationQuery").asText();
    }

    private static int pid(Statement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    /**
     * New sessions of the test database read-only (or not), and its open sessions ended, as when a primary is
     * demoted (its server restarts as a standby) or promoted back.
     */
    private static void readOnly(boolean on) throws SQLException {
        try (Connection admin = DriverManager.getConnection(TestDatabase.adminUrl(), TestDatabase.user(), TestDatabase.password());
             Statement statement = admin.createStatement()) {
            statement.execute("ALTER DATABASE " + db.name() + (on ? " SET default_transaction_read_only = on"
                    : " RESET default_transaction_read_only"));
            if (on) {
                statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db.name() + "'");
            }
        }
    }
}
