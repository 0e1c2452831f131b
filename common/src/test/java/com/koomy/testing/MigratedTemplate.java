package com.koomy.testing;

import com.koomy.db.KoomyDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shared server's migrated test databases are copies ({@code CREATE DATABASE ... TEMPLATE}) of one database
 * this JVM migrated once: a copy takes a fraction of running every migration again for each test class.
 *
 * <p>Other test runs (another clone of the repository, surefire forks) use the same server at the same time, so
 * the template is this JVM's own, {@code koomy_tpl_<epoch seconds>_<random>}, dropped by a shutdown hook. While
 * the JVM lives it keeps a session open under the template's name ({@code application_name}); a run killed before
 * its hook leaves a template that no session claims, and the next run drops it once its name says it is older
 * than {@link #ABANDONED} (a grace for a run whose session a server restart cut). PostgreSQL refuses to copy a
 * database anyone is connected to: the template takes no connections once migrated, and copies are made one at a
 * time.
 */
final class MigratedTemplate {

    private static final Logger LOG = LoggerFactory.getLogger(MigratedTemplate.class);
    static final String PREFIX = "koomy_tpl_";
    static final Duration ABANDONED = Duration.ofHours(1);
    private static final Pattern NAME = Pattern.compile(PREFIX + "(\\d+)_[0-9a-f]+");

    private static TestDatabase template;

    private MigratedTemplate() {
    }

    /** Creates {@code copy} as a copy of this JVM's migrated template, made on first use. */
    static synchronized void copyTo(TestDatabase copy) throws SQLException {
        if (template == null) {
            template = create();
        }
        copy.admin("CREATE DATABASE " + copy.name() + " TEMPLATE " + template.name());
    }

    private static TestDatabase create() throws SQLException {
        TestDatabase database = TestDatabase.on(TestDatabase.adminUrl(), TestDatabase.user(), TestDatabase.password(),
                PREFIX + Instant.now().getEpochSecond() + "_"
                        + UUID.randomUUID().toString().replace("-", "").substring(0, 8).toLowerCase(Locale.ROOT), true);
        // Open until the JVM ends: its application_name tells other runs that the template is in use.
        Connection claim = database.adminConnection(database.name());
        dropAbandoned(database, Instant.now());
        database.admin("CREATE DATABASE " + database.name());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(database, claim), "drop-" + database.name()));
        database.admin("COMMENT ON DATABASE " + database.name() + " IS 'koomy test template of pid "
                + ProcessHandle.current().pid() + " on " + host() + "'");
        KoomyDatabase.migrate(database.dataSourceFactory());
        // Flyway has closed its connections; none may come (nor linger) to stand in the way of a copy.
        database.admin("ALTER DATABASE " + database.name() + " ALLOW_CONNECTIONS false");
        database.admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database.name() + "'");
        return database;
    }

    /** After the copies: no copy is made while the template is dropped. */
    private static synchronized void drop(TestDatabase database, Connection claim) {
        try (claim) {
            database.admin("DROP DATABASE IF EXISTS " + database.name());
        } catch (SQLException e) {
            LOG.warn("Could not drop test template {}: {}", database.name(), e.getMessage());
        }
    }

    /** Drops the templates of runs that ended without their shutdown hook (killed); never a live run's. */
    static void dropAbandoned(TestDatabase admin, Instant now) throws SQLException {
        List<String> abandoned = new ArrayList<>();
        try (Connection c = admin.adminConnection(null);
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT datname FROM pg_database d WHERE datname LIKE 'koomy\\_tpl\\_%'"
                     + " AND NOT EXISTS (SELECT FROM pg_stat_activity a WHERE a.application_name = d.datname)")) {
            while (rows.next()) {
                if (older(rows.getString(1), now)) {
                    abandoned.add(rows.getString(1));
                }
            }
        }
        for (String name : abandoned) {
            try {
                admin.admin("DROP DATABASE IF EXISTS " + name);
            } catch (SQLException e) {
                LOG.warn("Could not drop abandoned test template {}: {}", name, e.getMessage());
            }
        }
    }

    /** Whether template {@code name} was created longer than {@link #ABANDONED} before {@code now}. */
    static boolean older(String name, Instant now) {
        Matcher named = NAME.matcher(name);
        return named.matches() && Instant.ofEpochSecond(Long.parseLong(named.group(1))).plus(ABANDONED).isBefore(now);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown host";
        }
    }
}
