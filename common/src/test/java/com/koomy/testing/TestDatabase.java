package com.koomy.testing;

import com.koomy.db.KoomyDatabase;
import io.dropwizard.db.DataSourceFactory;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

/**
 * A PostgreSQL database of its own for one test class, created migrated (a copy of this JVM's
 * {@link MigratedTemplate}) or empty, and dropped at the end, so test runs and parallel tests never see
 * each other's rows. Register it as a static field:
 * {@code @RegisterExtension static TestDatabase db = new TestDatabase();}.
 *
 * <p>Connects with {@code KOOMY_TEST_PG_URL} (a maintenance database, default
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres}), {@code KOOMY_TEST_PG_USER} and
 * {@code KOOMY_TEST_PG_PASSWORD} (default koomy/koomy, the role {@code ops/koomy} creates with CREATEDB).
 * {@link #on} gives the same on another server (a test's own {@code PrivatePostgres}).
 */
public class TestDatabase implements BeforeAllCallback, AfterAllCallback {

    private final boolean migrate;
    private final String adminUrl;
    private final String user;
    private final String password;
    private final String name;
    /** Whether a migrated database is a copy of the template: only on the shared server, which many share. */
    private final boolean copy;
    private Jdbi jdbi;

    public TestDatabase() {
        this(true);
    }

    public TestDatabase(boolean migrate) {
        this(adminUrl(), user(), password(), "koomy_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)
                .toLowerCase(Locale.ROOT), migrate, true);
    }

    private TestDatabase(String adminUrl, String user, String password, String name, boolean migrate, boolean copy) {
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
        this.name = name;
        this.migrate = migrate;
        this.copy = copy;
    }

    /**
     * Database {@code name} on the server of the maintenance database {@code adminUrl}, not created yet:
     * {@link #create()} creates it (and migrates it if {@code migrate}); {@link #url()} and {@link #jdbi()}
     * also reach one that exists already (a promoted replica's copy). Migrated in place: a template would pay
     * off only for several databases on that server.
     */
    public static TestDatabase on(String adminUrl, String user, String password, String name, boolean migrate) {
        return new TestDatabase(adminUrl, user, password, name, migrate, false);
    }

    public static String adminUrl() {
        return env("KOOMY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    }

    public static String user() {
        return env("KOOMY_TEST_PG_USER", "koomy");
    }

    public static String password() {
        return env("KOOMY_TEST_PG_PASSWORD", "koomy");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        TestLogging.apply();
        create();
    }

    /** Creates this database, migrated unless built with {@code migrate} false; returns it. */
    public TestDatabase create() throws SQLException {
        if (migrate && copy) {
            MigratedTemplate.copyTo(this);
            return this;
        }
        admin("CREATE DATABASE " + name);
        if (migrate) {
            KoomyDatabase.migrate(dataSourceFactory());
        }
        return this;
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    public String name() {
        return name;
    }

    /** JDBC URL of this database (same server as the maintenance database). */
    public String url() {
        String admin = adminUrl;
        int slash = admin.lastIndexOf('/');
        int query = admin.indexOf('?', slash);
        return admin.substring(0, slash + 1) + name + (query >= 0 ? admin.substring(query) : "");
    }

    /** A Dropwizard data source configuration pointing here, as the applications build theirs. */
    public DataSourceFactory dataSourceFactory() {
        DataSourceFactory factory = new DataSourceFactory();
        factory.setDriverClass("org.postgresql.Driver");
        factory.setUrl(url());
        factory.setUser(user);
        factory.setPassword(password);
        return factory;
    }

    /** A plain Jdbi on this database, resolving names in schema koomy as the applications do. */
    public synchronized Jdbi jdbi() {
        if (jdbi == null) {
            jdbi = Jdbi.create(url() + (url().contains("?") ? "&" : "?") + "currentSchema=" + KoomyDatabase.SCHEMA,
                    user, password).installPlugin(new SqlObjectPlugin());
        }
        return jdbi;
    }

    void admin(String sql) throws SQLException {
        try (Connection c = adminConnection(null);
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** A connection to the maintenance database, seen by others under {@code applicationName} if not null. */
    Connection adminConnection(String applicationName) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        if (applicationName != null) {
            properties.setProperty("ApplicationName", applicationName);
        }
        return DriverManager.getConnection(adminUrl, properties);
    }

    private static String env(String key, String fallback) {
        String value = System.getenv(key);
        return value == null || value.isBlank() ? fallback : value;
    }
}
