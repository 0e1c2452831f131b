package com.koomy.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Watches, from a connection of its own, every few milliseconds, which other sessions hold a lock that stops
 * writers (SHARE and stronger: a plain CREATE INDEX's SHARE, ALTER TABLE's ACCESS EXCLUSIVE) on the named
 * tables of schema koomy, and for how long each transaction held it (first to last sighting: a lower bound,
 * within one sampling interval).
 */
final class LockSampler implements AutoCloseable {

    /** A lock one transaction held on one table, and for how long it was seen. */
    record Held(String table, String mode, int pid, String query, long firstNanos, long lastNanos) {
        Duration duration() {
            return Duration.ofNanos(lastNanos - firstNanos);
        }
    }

    private static final String SAMPLE = """
            SELECT c.relname, l.mode, l.pid, coalesce(a.xact_start::text, ''), left(coalesce(a.query, ''), 160)
              FROM pg_locks l
              JOIN pg_class c ON c.oid = l.relation
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.granted AND l.locktype = 'relation' AND n.nspname = 'koomy' AND c.relname = ANY(?)
               AND l.mode IN ('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')
               AND l.pid <> pg_backend_pid()
            """;

    private final Connection connection;
    private final String[] tables;
    private final Duration interval;
    private final Map<String, Held> held = new LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile SQLException failure;
    private volatile long samples;

    LockSampler(String url, String user, String password, Set<String> tables, Duration interval) throws SQLException {
        this.connection = DriverManager.getConnection(url, user, password);
        this.tables = tables.toArray(new String[0]);
        this.interval = interval;
        this.thread = new Thread(this::loop, "lock-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try (PreparedStatement statement = connection.prepareStatement(SAMPLE)) {
            statement.setArray(1, connection.createArrayOf("text", tables));
            while (running) {
                long now = System.nanoTime();
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        String key = rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getInt(3) + "|" + rs.getString(4);
                        String query = rs.getString(5);
                        String table = rs.getString(1);
                        String mode = rs.getString(2);
                        int pid = rs.getInt(3);
                        synchronized (held) {
                            held.merge(key, new Held(table, mode, pid, query, now, now),
                                    (old, seen) -> new Held(old.table(), old.mode(), old.pid(), old.query(), old.firstNanos(), now));
                        }
                    }
                }
                samples++;
                Thread.sleep(interval.toMillis());
            }
        } catch (SQLException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long samples() {
        return samples;
    }

    /** What was seen so far, longest first. */
    List<Held> held() {
        if (failure != null) {
            throw new IllegalStateException("the lock sampler failed", failure);
        }
        Collection<Held> all;
        synchronized (held) {
            all = List.copyOf(held.values());
        }
        return all.stream().sorted(Comparator.comparing(Held::duration).reversed()).toList();
    }

    /** The longest locks of {@code held}, for a log line. */
    static String summary(List<Held> held) {
        return held.stream().limit(8).map(h -> h.table() + " " + h.mode() + " " + h.duration().toMillis() + " ms ("
                + h.query().replaceAll("\\s+", " ") + ")").toList().toString();
    }

    void reset() {
        synchronized (held) {
            held.clear();
        }
    }

    @Override
    public void close() throws SQLException, InterruptedException {
        running = false;
        thread.join(5_000);
        connection.close();
    }
}
